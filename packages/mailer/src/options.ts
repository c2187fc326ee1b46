import type { KitLogger } from '@kit/internal'
import type { FileTransportOptions } from './transports/file.ts'
import type { ResendTransportOptions } from './transports/resend.ts'
import type { SendGridTransportOptions } from './transports/sendgrid.ts'
import type { SmtpTransportOptions } from './transports/smtp.ts'
import type { MailTransport } from './types.ts'

/** The built-in drivers, by the names MAIL_PROVIDER uses. */
export type ProviderName = 'smtp' | 'sendgrid' | 'resend' | 'file' | 'log' | 'memory'

/** The env variables the mailer reads (a structural subset of @kit/env's parsed env). */
export interface MailerEnv {
  NODE_ENV?: string | undefined
  /** Failover chain: `['sendgrid', 'resend']` or the raw `"sendgrid,resend"`. */
  MAIL_PROVIDER?: string | readonly string[] | undefined
  MAIL_FROM?: string | undefined
  SENDGRID_API_KEY?: string | undefined
  RESEND_API_KEY?: string | undefined
  SMTP_URL?: string | undefined
}

export interface MailerContext {
  /** @default process.env */
  env?: MailerEnv
  /** Failovers, retries, partial rejections and the file transport's path are logged here. @default silent */
  log?: KitLogger
  /** The app root: the file transport writes under `<cwd>/.kit/mail`. @default process.cwd() */
  cwd?: string
}

export interface MailerOptions {
  /**
   * The failover chain, tried in order: built-in names or your own transports.
   * @default MAIL_PROVIDER; else in production every provider whose key is set
   * (sendgrid, resend, smtp), 'file' in development, 'memory' under NODE_ENV=test
   */
  providers?: ProviderName | readonly (ProviderName | MailTransport)[]
  /** Default sender, `"Acme <hello@acme.com>"`. @default MAIL_FROM */
  from?: string
  /** SMTP settings; `url` defaults to SMTP_URL. */
  smtp?: SmtpTransportOptions
  /** SendGrid settings; `apiKey` defaults to SENDGRID_API_KEY. */
  sendgrid?: SendGridTransportOptions
  /** Resend settings; `apiKey` defaults to RESEND_API_KEY. */
  resend?: ResendTransportOptions
  /** Where development mail is written. */
  file?: Omit<FileTransportOptions, 'log' | 'cwd'>
  /** Bound on one HTTP request to SendGrid or Resend (each transport may override it). @default 10000 */
  timeoutMs?: number
  /** Extra attempts on the same provider after a transient failure. @default 2 */
  retries?: number
  /** First backoff delay; doubles per retry, with jitter. @default 250 */
  retryDelayMs?: number
  /** Longest wait kit accepts (Retry-After included) before failing over instead. @default 5000 */
  maxRetryDelayMs?: number
  /**
   * Retry or fail over even when the provider may already have accepted the
   * message (timeout after sending, HTTP 500): fewer lost mails, possible duplicates.
   * @default false
   */
  allowDuplicates?: boolean
  /** Refuse attachments given as a file `path`. @default true */
  disableFileAccess?: boolean
  /** Refuse attachments given as an `href` URL. @default true */
  disableUrlAccess?: boolean
  /** Recipients per message (to + cc + bcc). Resend takes at most 50. @default 50 */
  maxRecipients?: number
}

/** Option names, for the "did you mean" check. */
export const MAILER_OPTION_NAMES: readonly string[] = [
  'providers',
  'from',
  'smtp',
  'sendgrid',
  'resend',
  'file',
  'timeoutMs',
  'retries',
  'retryDelayMs',
  'maxRetryDelayMs',
  'allowDuplicates',
  'disableFileAccess',
  'disableUrlAccess',
  'maxRecipients',
]

export const PROVIDER_NAMES: readonly ProviderName[] = ['smtp', 'sendgrid', 'resend', 'file', 'log', 'memory']
