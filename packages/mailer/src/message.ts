import { randomUUID } from 'node:crypto'
import { parseAddress, parseRecipients } from './addresses.ts'
import { type AttachmentPolicy, resolveAttachment } from './attachments.ts'
import { hasControlCharacter, headerInjection as injection, invalidMessage as invalid } from './invalid.ts'
import type { MailAddress, OutgoingMessage, SendMailInput } from './types.ts'

export interface MessagePolicy extends AttachmentPolicy {
  /** The mailer's default sender (MAIL_FROM). */
  from: MailAddress | undefined
  /** Upper bound on to + cc + bcc after de-duplication. */
  maxRecipients: number
}

// RFC 5322 field-name: printable ASCII except the colon.
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]{1,76}$/
const TAG = /^[A-Za-z0-9_-]{1,256}$/
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,256}$/
// Headers the message fields own; setting them through `headers` would bypass validation.
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'sender',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'dkim-signature',
  'return-path',
])

/**
 * Validates a send() input and builds the message every transport receives.
 * All checks run before any network call, so a bad message costs nothing
 * and never reaches a provider half-formed.
 */
export async function prepareMessage(input: SendMailInput, policy: MessagePolicy): Promise<OutgoingMessage> {
  if (input === null || typeof input !== 'object') throw invalid('message', 'expected an object')
  const from = input.from === undefined ? policy.from : parseAddress(input.from, 'from')
  if (!from) {
    throw invalid('from', 'no sender: pass `from` or set MAIL_FROM (or the mailer `from` option)')
  }
  const subject = checkSubject(input.subject)
  const to = parseRecipients(input.to, 'to')
  if (to.length === 0) throw invalid('to', 'at least one recipient is required')
  // Providers refuse an address listed twice (SendGrid 400): keep its first, most visible slot.
  const seen = new Set<string>()
  const unique = (list: MailAddress[]) =>
    list.filter((a) => {
      const key = a.email.toLowerCase()
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  const uniqueTo = unique(to)
  const cc = unique(parseRecipients(input.cc, 'cc'))
  const bcc = unique(parseRecipients(input.bcc, 'bcc'))
  const total = uniqueTo.length + cc.length + bcc.length
  if (total > policy.maxRecipients) {
    throw invalid(
      'to',
      `${total} recipients exceed maxRecipients (${policy.maxRecipients}); send one message per recipient for bulk mail`,
    )
  }
  const text = checkBody(input.text, 'text')
  const html = checkBody(input.html, 'html')
  if (text === undefined && html === undefined)
    throw invalid('text', 'a message needs `text`, `html` or both')
  const attachments = await Promise.all(
    (input.attachments ?? []).map((attachment, i) => resolveAttachment(attachment, i, policy)),
  )
  return Object.freeze({
    from,
    to: uniqueTo,
    cc,
    bcc,
    replyTo: parseRecipients(input.replyTo, 'replyTo'),
    subject,
    ...(text === undefined ? {} : { text }),
    ...(html === undefined ? {} : { html }),
    attachments,
    headers: checkHeaders(input.headers),
    tags: checkTags(input.tags),
    idempotencyKey: checkIdempotencyKey(input.idempotencyKey),
    messageId: `<${randomUUID()}@${from.email.slice(from.email.lastIndexOf('@') + 1)}>`,
  })
}

function checkSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject.trim() === '')
    throw invalid('subject', 'a non-empty string is required')
  // A tab is folding whitespace, harmless; every other control character could end the header.
  if (hasControlCharacter(subject.replace(/\t/g, ' '))) throw injection('subject')
  return subject
}

function checkBody(body: unknown, field: string): string | undefined {
  if (body === undefined || body === '') return undefined
  if (typeof body !== 'string') throw invalid(field, `expected a string, got ${typeof body}`)
  return body
}

function checkHeaders(headers: SendMailInput['headers']): Record<string, string> {
  if (headers === undefined) return {}
  if (headers === null || typeof headers !== 'object')
    throw invalid('headers', 'expected an object of strings')
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (hasControlCharacter(name)) throw injection('headers (a header name)')
    if (!HEADER_NAME.test(name))
      throw invalid(`headers["${name}"]`, 'header names are printable ASCII without spaces or colons')
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw invalid(`headers.${name}`, `set it through the message field instead (to, from, subject...)`)
    }
    if (typeof value !== 'string') throw invalid(`headers.${name}`, `expected a string, got ${typeof value}`)
    if (hasControlCharacter(value.replace(/\t/g, ' '))) throw injection(`headers.${name}`)
    out[name] = value
  }
  return out
}

function checkTags(tags: SendMailInput['tags']): Record<string, string> {
  if (tags === undefined) return {}
  if (tags === null || typeof tags !== 'object') throw invalid('tags', 'expected an object of strings')
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(tags)) {
    if (!TAG.test(name) || typeof value !== 'string' || !TAG.test(value)) {
      throw invalid(
        `tags.${name}`,
        'tag names and values may only hold letters, digits, _ and - (1-256 characters)',
      )
    }
    out[name] = value
  }
  return out
}

function checkIdempotencyKey(key: unknown): string {
  if (key === undefined) return randomUUID()
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw invalid('idempotencyKey', '1-256 printable ASCII characters without spaces are required')
  }
  return key
}
