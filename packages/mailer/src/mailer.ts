import type { HealthCheck, HealthCheckResult, ShutdownHook } from '@kit/internal'
import { KitError, redactString } from '@kit/internal'
import { deliver } from './deliver.ts'
import { prepareMessage } from './message.ts'
import type { MailerContext, MailerOptions } from './options.ts'
import { parseMailerOptions } from './parse-options.ts'
import type { MailTransport, SendMailInput, SendResult } from './types.ts'

export interface ProviderVerifyResult {
  name: string
  ok: boolean
  /** What was checked, or why it failed (never a secret). */
  detail: string
  durationMs: number
}

export interface VerifyReport {
  /** True when every provider in the chain passed. */
  ok: boolean
  providers: ProviderVerifyResult[]
}

export interface SendOptions {
  /** Gives up (rejects with the signal's reason) when aborted; a provider may still have accepted the message. */
  signal?: AbortSignal
}

export interface MailerHealthCheckOptions {
  /** @default 'mailer' */
  name?: string
  /** Mail being down should not take instances out of rotation. @default false */
  critical?: boolean
  /** @default 10000 */
  timeoutMs?: number
  /** verify() talks to the providers: do not do it on every probe. @default 60000 */
  cacheForMs?: number
}

export interface Mailer {
  /** The failover chain, in order. */
  readonly providers: readonly string[]
  /** Validates, then sends through the chain with retries and failover. */
  send(input: SendMailInput, options?: SendOptions): Promise<SendResult>
  /** Checks every provider's credentials and reachability. Throws KIT_MAILER_VERIFY_FAILED when none works. */
  verify(): Promise<VerifyReport>
  /** Waits for sends in flight, then closes connections. Later sends throw KIT_MAILER_CLOSED. */
  close(): Promise<void>
  /** A check for @kit/health: pass, warn when a fallback provider fails, fail when none works. */
  healthCheck(options?: MailerHealthCheckOptions): HealthCheck
  /** close() as a hook for the shutdown sequence. */
  shutdownHook(options?: { timeoutMs?: number }): ShutdownHook
}

/**
 * One send API over SMTP, SendGrid, Resend, .eml files and memory. The chain
 * comes from `providers` or MAIL_PROVIDER; transports connect on first use,
 * so creating a mailer costs nothing.
 */
export function createMailer(options: MailerOptions = {}, context: MailerContext = {}): Mailer {
  const config = parseMailerOptions(options, context)
  const { chain, log } = config
  const inFlight = new Set<Promise<unknown>>()
  let closing: Promise<void> | undefined

  const send = async (input: SendMailInput, sendOptions: SendOptions = {}): Promise<SendResult> => {
    if (closing) {
      throw new KitError(
        'KIT_MAILER_CLOSED',
        'mailer.send() was called after mailer.close(); the message was not sent.',
      )
    }
    const task = prepareMessage(input, config.message).then((message) =>
      deliver(message, chain, config.delivery, log, sendOptions.signal),
    )
    inFlight.add(task)
    try {
      return await task
    } finally {
      inFlight.delete(task)
    }
  }

  const verify = async (): Promise<VerifyReport> => {
    const providers = await Promise.all(chain.map(verifyTransport))
    const report = { ok: providers.every((p) => p.ok), providers }
    if (!providers.some((p) => p.ok)) {
      throw new KitError(
        'KIT_MAILER_VERIFY_FAILED',
        `No mail provider is usable: ${providers.map((p) => `${p.name}: ${p.detail}`).join('; ')}.`,
        { details: report },
      )
    }
    return report
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.allSettled([...inFlight])
      await Promise.allSettled(chain.map(async (transport) => transport.close?.()))
    })()
    return closing
  }

  return {
    providers: chain.map((t) => t.name),
    send,
    verify,
    close,
    healthCheck(checkOptions: MailerHealthCheckOptions = {}): HealthCheck {
      return {
        name: checkOptions.name ?? 'mailer',
        critical: checkOptions.critical ?? false,
        timeoutMs: checkOptions.timeoutMs ?? 10_000,
        cacheForMs: checkOptions.cacheForMs ?? 60_000,
        async check(): Promise<HealthCheckResult> {
          const report = await verify()
          const output = report.providers.map((p) => `${p.name}: ${p.ok ? 'ok' : p.detail}`).join('; ')
          return { status: report.ok ? 'pass' : 'warn', output }
        },
      }
    },
    shutdownHook(hookOptions: { timeoutMs?: number } = {}): ShutdownHook {
      return { name: 'mailer', close, timeoutMs: hookOptions.timeoutMs ?? 10_000 }
    },
  }
}

async function verifyTransport(transport: MailTransport): Promise<ProviderVerifyResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  if (!transport.verify)
    return { name: transport.name, ok: true, detail: 'no check available', durationMs: 0 }
  try {
    const note = await transport.verify()
    return { name: transport.name, ok: true, detail: note || 'ok', durationMs: elapsed() }
  } catch (error) {
    const detail = redactString(error instanceof Error ? error.message : String(error))
    return { name: transport.name, ok: false, detail, durationMs: elapsed() }
  }
}
