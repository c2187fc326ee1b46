/**
 * The shapes shared by the mailer and its transports: what callers pass to
 * `send()`, the validated message every transport receives, and the
 * transport contract (`{ name, send, verify?, close? }`).
 */

/** One mailbox. `name` is the display name ("Acme Support"). */
export interface MailAddress {
  email: string
  name?: string
}

/** `"a@b.co"`, `"Acme <a@b.co>"` or `{ email, name }`. */
export type AddressLike = string | MailAddress

/** One address, or several. */
export type Recipients = AddressLike | readonly AddressLike[]

export interface MailAttachment {
  /** Shown to the recipient. */
  filename: string
  /** The bytes; a string is taken as UTF-8 text. */
  content?: string | Uint8Array
  /** A file to read. Refused unless the mailer has `disableFileAccess: false`. */
  path?: string
  /** An http(s) URL to download. Refused unless the mailer has `disableUrlAccess: false`. */
  href?: string
  /** @default guessed from the filename, else application/octet-stream */
  contentType?: string
  /** @default 'attachment' ('inline' needs a contentId, referenced as cid:<contentId> in the HTML) */
  disposition?: 'attachment' | 'inline'
  contentId?: string
}

/** What `mailer.send()` accepts. */
export interface SendMailInput {
  to: Recipients
  cc?: Recipients
  bcc?: Recipients
  replyTo?: Recipients
  /** @default the mailer's `from` (MAIL_FROM) */
  from?: AddressLike
  subject: string
  /** At least one of text and html is required. */
  text?: string
  html?: string
  attachments?: readonly MailAttachment[]
  /** Extra headers (X-Entity-Ref-ID, List-Unsubscribe...). Structural headers (From, To, Subject...) are refused. */
  headers?: Readonly<Record<string, string>>
  /** Provider-side labels: Resend tags, SendGrid custom_args. Names and values: letters, digits, _ and -. */
  tags?: Readonly<Record<string, string>>
  /**
   * Makes retries safe where the provider supports it (Resend keeps it 24 h).
   * @default a random key per send() call, reused by every retry of that call
   */
  idempotencyKey?: string
}

export interface OutgoingAttachment {
  filename: string
  content: Buffer
  contentType: string
  disposition: 'attachment' | 'inline'
  contentId?: string
}

/** A validated message, as every transport receives it. Built once per send(); never mutated. */
export interface OutgoingMessage {
  from: MailAddress
  to: readonly MailAddress[]
  cc: readonly MailAddress[]
  bcc: readonly MailAddress[]
  replyTo: readonly MailAddress[]
  subject: string
  text?: string
  html?: string
  attachments: readonly OutgoingAttachment[]
  headers: Readonly<Record<string, string>>
  tags: Readonly<Record<string, string>>
  idempotencyKey: string
  /** RFC 5322 Message-ID (`<uuid@sender-domain>`), used by SMTP and the file transport. */
  messageId: string
}

export interface TransportSendOptions {
  /** Aborted when the mailer's per-attempt timeout passes or the caller gives up. */
  signal?: AbortSignal
}

export interface TransportResult {
  /** The provider's id for the message (SendGrid X-Message-Id, Resend id, SMTP Message-ID). */
  messageId: string
  accepted: string[]
  /** Recipients the provider refused while accepting the others (SMTP); never swallowed. */
  rejected: string[]
}

/**
 * A mail transport: built-in drivers and users' own. Throw a `MailProviderError`
 * from send() so the mailer knows whether a retry or failover is safe; any
 * other error is treated as "may have been delivered" (no retry elsewhere).
 */
export interface MailTransport {
  readonly name: string
  /** True when retrying the same message cannot deliver it twice (Resend's Idempotency-Key). */
  readonly idempotent?: boolean
  send(message: OutgoingMessage, options?: TransportSendOptions): Promise<TransportResult>
  /** Checks credentials and reachability without sending; resolves with a short note, throws when unusable. */
  verify?(options?: TransportSendOptions): Promise<string | undefined | void>
  close?(): Promise<void> | void
}

/** What `mailer.send()` resolves with. */
export interface SendResult {
  /** The transport that accepted the message. */
  provider: string
  messageId: string
  accepted: string[]
  rejected: string[]
  /** Attempts made, over every provider (1 when the first try worked). */
  attempts: number
}
