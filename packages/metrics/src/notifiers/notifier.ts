import type { AlertNotice } from '../alerts/notice.ts'

/** Something that delivers alert notices: Slack, mail, the log, or your own. */
export interface Notifier {
  name: string
  /** Further attempts after a failure; the mailer retries on its own, Slack does not. @default alerts.notify.retries */
  retries?: number
  /** Deliver, or throw; `signal` aborts when the attempt times out or the process shuts down. */
  send(notice: AlertNotice, signal: AbortSignal): Promise<void> | void
}

/** A failure that retrying cannot fix (a revoked webhook, a rejected recipient). */
export class NotifyError extends Error {
  readonly permanent: boolean
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: { permanent?: boolean; retryAfterMs?: number } = {}) {
    super(message)
    this.name = 'NotifyError'
    this.permanent = options.permanent ?? false
    this.retryAfterMs = options.retryAfterMs
  }
}
