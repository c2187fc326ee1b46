import { KitError, redactString } from '@kit/internal'
import type { MailerErrorCode } from './errors.ts'

export interface ProviderFailure {
  provider: string
  code: MailerErrorCode
  /** Provider's own words, without secrets. */
  message: string
  /** permanent: the same message would fail again, stop. transient: retry or fail over may work. */
  kind: 'permanent' | 'transient'
  /**
   * True when the provider may have accepted the message despite the error
   * (timeout or connection loss after the request went out, HTTP 500).
   * Failing over then could send it twice.
   */
  maybeDelivered: boolean
  /** HTTP status or SMTP reply code. */
  status?: number
  /** How long the provider asked us to wait (Retry-After, X-RateLimit-Reset). */
  retryAfterMs?: number
  /** False when retrying the same provider soon is pointless (daily quota). @default true */
  retrySameProvider?: boolean
  cause?: unknown
}

/**
 * The error transports throw: a KitError that also says whether retrying or
 * failing over is safe. The mailer decides from these fields alone.
 */
export class MailProviderError extends KitError {
  readonly provider: string
  readonly kind: 'permanent' | 'transient'
  readonly maybeDelivered: boolean
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  readonly retrySameProvider: boolean

  constructor(failure: ProviderFailure) {
    const status = failure.status === undefined ? '' : ` (${failure.status})`
    super(failure.code, `${failure.provider}${status}: ${redactString(failure.message)}`, {
      cause: failure.cause,
    })
    this.name = 'MailProviderError'
    this.provider = failure.provider
    this.kind = failure.kind
    this.maybeDelivered = failure.maybeDelivered
    this.status = failure.status
    this.retryAfterMs = failure.retryAfterMs
    this.retrySameProvider = failure.retrySameProvider ?? true
  }
}

/** Anything a transport threw, as a MailProviderError. Unknown errors may have delivered: no failover. */
export function toProviderError(error: unknown, provider: string): MailProviderError {
  if (error instanceof MailProviderError) return error
  if (error instanceof KitError) {
    // A KitError from our own validation inside a transport: the message is wrong, not the provider.
    return new MailProviderError({
      provider,
      code: 'KIT_MAILER_REJECTED',
      message: error.message,
      kind: 'permanent',
      maybeDelivered: false,
      cause: error,
    })
  }
  return new MailProviderError({
    provider,
    code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
    message: error instanceof Error ? error.message : String(error),
    kind: 'transient',
    maybeDelivered: true,
    cause: error,
  })
}
