import { AssertionError } from 'node:assert'
import { createMailer, type Mailer } from './mailer.ts'
import { createMemoryTransport } from './transports/memory.ts'
import type { MailAddress, OutgoingMessage } from './types.ts'

/**
 * What to look for in sent mail. Addresses match case-insensitively against
 * any recipient of that field; `subject` matches exactly (or by RegExp);
 * `text` and `html` match a substring (or a RegExp). A function matches
 * whatever it returns true for.
 */
export type MailMatcher =
  | {
      to?: string
      cc?: string
      bcc?: string
      from?: string
      replyTo?: string
      subject?: string | RegExp
      text?: string | RegExp
      html?: string | RegExp
      tags?: Readonly<Record<string, string>>
      headers?: Readonly<Record<string, string>>
    }
  | ((message: OutgoingMessage) => boolean)

export interface FakeMailerOptions {
  /** @default 'App <app@example.test>' */
  from?: string
  /** @default 50 */
  maxRecipients?: number
}

export interface FakeMailer extends Mailer {
  /** Messages sent so far (those matching `match`, when given), oldest first. */
  sent(match?: MailMatcher): OutgoingMessage[]
  /** Throws an AssertionError unless a message matches (exactly `times` of them, when given); returns the first match. */
  assertSent(match: MailMatcher, times?: number): OutgoingMessage
  /** Throws an AssertionError if a message matches; with no matcher, if anything was sent. */
  assertNotSent(match?: MailMatcher): void
  /** Forgets every sent message. */
  clear(): void
}

/**
 * A mailer for your own tests: the same validation as the real one (a CRLF
 * in a subject still throws), but messages stay in memory for assertions.
 */
export function createFakeMailer(options: FakeMailerOptions = {}): FakeMailer {
  const memory = createMemoryTransport()
  const mailer = createMailer(
    {
      providers: [memory],
      from: options.from ?? 'App <app@example.test>',
      retries: 0,
      ...(options.maxRecipients ? { maxRecipients: options.maxRecipients } : {}),
    },
    { env: {} },
  )
  const sent = (match?: MailMatcher): OutgoingMessage[] =>
    match === undefined ? [...memory.messages] : memory.messages.filter((m) => matches(m, match))
  return {
    ...mailer,
    sent,
    assertSent(match: MailMatcher, times?: number): OutgoingMessage {
      const found = sent(match)
      if (found.length === 0 || (times !== undefined && found.length !== times)) {
        const wanted = times === undefined ? 'at least one message' : `${times} message(s)`
        throw new AssertionError({
          message: `Expected ${wanted} matching ${describe(match)}, found ${found.length}. Sent:\n${summary(memory.messages)}`,
        })
      }
      return found[0] as OutgoingMessage
    },
    assertNotSent(match?: MailMatcher): void {
      const found = sent(match)
      if (found.length > 0) {
        throw new AssertionError({
          message: `Expected no message${match === undefined ? '' : ` matching ${describe(match)}`}, found ${found.length}:\n${summary(found)}`,
        })
      }
    },
    clear: () => memory.clear(),
  }
}

function matches(message: OutgoingMessage, match: MailMatcher): boolean {
  if (typeof match === 'function') return match(message)
  const has = (list: readonly MailAddress[], email: string | undefined) =>
    email === undefined || list.some((a) => a.email.toLowerCase() === email.toLowerCase())
  const textMatch = (value: string | undefined, pattern: string | RegExp | undefined, exact: boolean) =>
    pattern === undefined ||
    (value !== undefined &&
      (typeof pattern === 'string'
        ? exact
          ? value === pattern
          : value.includes(pattern)
        : pattern.test(value)))
  const subset = (
    actual: Readonly<Record<string, string>>,
    wanted: Readonly<Record<string, string>> | undefined,
  ) => wanted === undefined || Object.entries(wanted).every(([k, v]) => actual[k] === v)
  return (
    has(message.to, match.to) &&
    has(message.cc, match.cc) &&
    has(message.bcc, match.bcc) &&
    has([message.from], match.from) &&
    has(message.replyTo, match.replyTo) &&
    textMatch(message.subject, match.subject, true) &&
    textMatch(message.text, match.text, false) &&
    textMatch(message.html, match.html, false) &&
    subset(message.tags, match.tags) &&
    subset(message.headers, match.headers)
  )
}

function describe(match: MailMatcher | undefined): string {
  if (typeof match === 'function') return 'the predicate'
  return JSON.stringify(match, (_k, v) => (v instanceof RegExp ? String(v) : v))
}

function summary(messages: readonly OutgoingMessage[]): string {
  if (messages.length === 0) return '  (nothing)'
  return messages.map((m) => `  - to ${m.to.map((a) => a.email).join(', ')}: "${m.subject}"`).join('\n')
}
