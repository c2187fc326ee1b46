/**
 * SMTP through nodemailer's pooled transport, with timeouts of seconds (its
 * defaults are minutes), STARTTLS required outside development, and optional
 * DKIM signing. It notes when the message body has been handed to the
 * server, so a failure before that point is known not to have delivered.
 */
import { createPrivateKey } from 'node:crypto'
import { Transform } from 'node:stream'
import type { ConnectionOptions } from 'node:tls'
import { addKnownSecret, KitError, type KitLogger, silentLogger } from '@kit/internal'
import type { NodemailerError, Transporter } from 'nodemailer'
import { toNodemailerMessage } from '../nodemailer-message.ts'
import { MailProviderError } from '../provider-error.ts'
import { isCertificateError } from '../tls-errors.ts'
import { resolveTimeout } from '../transport-options.ts'
import type { MailTransport, OutgoingMessage, TransportResult, TransportSendOptions } from '../types.ts'

export const SMTP_DRIVER_NAME = 'smtp'

export interface SmtpDkimOptions {
  /** The signing domain (d=), usually the domain of MAIL_FROM. */
  domainName: string
  /** The selector (s=): the DNS record is <selector>._domainkey.<domain>. */
  keySelector: string
  /** PEM private key (RSA 2048 or Ed25519). */
  privateKey: string
}

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465` (TLS from the start). @default SMTP_URL */
  url?: string
  /** Used when there is no url. */
  host?: string
  /** @default 587, or 465 with `secure` */
  port?: number
  /** TLS from the first byte (port 465). @default true for smtps:// URLs */
  secure?: boolean
  auth?: { user: string; pass: string }
  /** Refuse to send unless the connection is upgraded with STARTTLS. @default true unless NODE_ENV is development or test */
  requireTLS?: boolean
  /** node:tls options: `ca` for a private CA, `servername`... Certificates are always verified. */
  tls?: ConnectionOptions
  /** Keep connections open between messages. @default true */
  pool?: boolean
  /** @default 3 */
  maxConnections?: number
  /** Connecting plus the server's greeting. @default 10000 */
  connectionTimeoutMs?: number
  /** Inactivity on an open connection. @default 30000 */
  socketTimeoutMs?: number
  /** Upper bound on one whole send (connect, TLS, auth, data). @default 30000 */
  timeoutMs?: number
  /** Sign every message with DKIM (most providers sign for you; needed for your own relay). */
  dkim?: SmtpDkimOptions
  /** Host name sent with EHLO. @default the machine's host name */
  name?: string
}

export interface SmtpTransportContext {
  env?: { NODE_ENV?: string | undefined }
  log?: KitLogger
}

export interface SmtpTransport extends MailTransport {
  readonly name: 'smtp'
  readonly idempotent: false
  verify(): Promise<string>
  /** Closes pooled connections once their current message is sent. */
  close(): Promise<void>
}

interface DeliveryState {
  /** The whole message body was produced for the server: from here on it may have been accepted. */
  bodySent: boolean
}

export function createSmtpTransport(
  options: SmtpTransportOptions = {},
  context: SmtpTransportContext = {},
): SmtpTransport {
  const config = parseSmtpOptions(options, context)
  const states = new Map<string, DeliveryState>()
  let transporter: Promise<Transporter> | undefined

  const getTransporter = (): Promise<Transporter> => {
    transporter ??= import('nodemailer').then(({ default: nodemailer }) => {
      const created = nodemailer.createTransport(config.nodemailer) as unknown as Transporter
      // Mark the message as possibly delivered once its body has been streamed out.
      created.use('stream', (mail, done) => {
        const state = states.get(String(mail.data.messageId))
        if (state) {
          mail.message.transform(
            () =>
              new Transform({
                transform: (chunk, _encoding, callback) => callback(null, chunk),
                flush: (callback) => {
                  state.bodySent = true
                  callback()
                },
              }),
          )
        }
        done()
      })
      return created
    })
    return transporter
  }

  return {
    name: SMTP_DRIVER_NAME,
    idempotent: false,
    async send(message: OutgoingMessage, opts: TransportSendOptions = {}): Promise<TransportResult> {
      const mailer = await getTransporter()
      const state: DeliveryState = { bodySent: false }
      const timeout = AbortSignal.timeout(config.timeoutMs)
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
      states.set(message.messageId, state)
      try {
        const info = await mailer.sendMail({ ...toNodemailerMessage(message), signal })
        return {
          messageId: String(info.messageId ?? message.messageId),
          accepted: (info.accepted ?? []).map(String),
          rejected: (info.rejected ?? []).map(String),
        }
      } catch (error) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? error
        if (timeout.aborted) {
          throw new MailProviderError({
            provider: SMTP_DRIVER_NAME,
            code: 'KIT_MAILER_TIMEOUT',
            message: `the send did not finish within ${config.timeoutMs} ms (smtp.timeoutMs)`,
            kind: 'transient',
            maybeDelivered: state.bodySent,
            cause: error,
          })
        }
        throw smtpError(error as NodemailerError, state.bodySent, config.requireTLS)
      } finally {
        states.delete(message.messageId)
      }
    },
    async verify(): Promise<string> {
      const mailer = await getTransporter()
      try {
        await mailer.verify()
      } catch (error) {
        throw smtpError(error as NodemailerError, false, config.requireTLS)
      }
      return `connected to ${config.host}${config.requireTLS || config.secure ? ' over TLS' : ''}`
    },
    async close(): Promise<void> {
      if (!transporter) return
      const mailer = await transporter
      mailer.close()
    },
  }
}

interface SmtpConfig {
  host: string
  secure: boolean
  requireTLS: boolean
  timeoutMs: number
  nodemailer: Record<string, unknown>
}

function parseSmtpOptions(options: SmtpTransportOptions, context: SmtpTransportContext): SmtpConfig {
  const log = context.log ?? silentLogger
  const nodeEnv = context.env?.NODE_ENV ?? process.env.NODE_ENV
  let host = options.host
  let secure = options.secure
  if (options.url !== undefined) {
    const url = parseSmtpUrl(options.url)
    host ??= url.hostname
    secure ??= url.protocol === 'smtps:'
    if (url.password) addKnownSecret(decodeURIComponent(url.password))
  }
  if (!host) {
    throw new KitError(
      'KIT_MAILER_MISSING_CREDENTIALS',
      'The smtp transport needs a server: set SMTP_URL (e.g. smtp://user:pass@smtp.example.com:587) or pass `smtp.url`, or remove smtp from MAIL_PROVIDER.',
    )
  }
  if (options.auth?.pass) addKnownSecret(options.auth.pass)
  const developing = nodeEnv === 'development' || nodeEnv === 'test'
  const requireTLS = options.requireTLS ?? (!secure && !developing)
  if (!secure && !requireTLS && !developing) {
    log.warn(
      { host },
      'mailer: smtp.requireTLS is off outside development: credentials and mail may cross the network unencrypted',
    )
  }
  const connectionTimeout = resolveTimeout('smtp', options.connectionTimeoutMs, 'connectionTimeoutMs')
  const socketTimeout = resolveTimeout('smtp', options.socketTimeoutMs ?? 30_000, 'socketTimeoutMs')
  const maxConnections = options.maxConnections ?? 3
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `\`smtp.maxConnections\` must be a whole number ≥ 1, got ${maxConnections}.`,
    )
  }
  if (options.dkim) checkDkim(options.dkim)
  const nodemailer: Record<string, unknown> = {
    ...(options.url === undefined ? {} : { url: options.url }),
    host,
    ...(options.port === undefined ? {} : { port: options.port }),
    secure: secure ?? false,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    requireTLS,
    ...(options.tls ? { tls: { ...options.tls, rejectUnauthorized: true } } : {}),
    pool: options.pool ?? true,
    maxConnections,
    // A connection closed after the body went out must fail, not be silently re-sent.
    maxRequeues: 1,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    dnsTimeout: connectionTimeout,
    socketTimeout,
    ...(options.dkim ? { dkim: { ...options.dkim } } : {}),
    ...(options.name ? { name: options.name } : {}),
    disableFileAccess: true,
    disableUrlAccess: true,
  }
  return {
    host,
    secure: secure ?? false,
    requireTLS,
    timeoutMs: resolveTimeout('smtp', options.timeoutMs ?? 30_000),
    nodemailer,
  }
}

function parseSmtpUrl(value: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    const shown = url ? `${url.protocol}//${url.host}` : 'a value that is not a URL'
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465; got ${shown}.`,
    )
  }
  return url
}

function checkDkim(dkim: SmtpDkimOptions): void {
  const domainOk = typeof dkim.domainName === 'string' && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(dkim.domainName)
  const selectorOk = typeof dkim.keySelector === 'string' && /^[a-z0-9._-]+$/i.test(dkim.keySelector)
  if (!domainOk || !selectorOk) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      '`smtp.dkim` needs `domainName` (e.g. "acme.com") and `keySelector` (e.g. "kit1").',
    )
  }
  try {
    createPrivateKey(dkim.privateKey)
  } catch {
    throw new KitError('KIT_MAILER_INVALID_OPTION', '`smtp.dkim.privateKey` is not a PEM private key.')
  }
}

const PERMANENT_CODES = new Set([
  'EENVELOPE',
  'EMESSAGE',
  'EMAXRECIPIENTS',
  'ECONFIG',
  'EFILEACCESS',
  'EURLACCESS',
  'EREQUIRETLS',
  'EOTP',
])

/** Classifies a nodemailer error: SMTP replies say for themselves; connection errors depend on how far we got. */
function smtpError(error: NodemailerError, bodySent: boolean, requireTLS: boolean): MailProviderError {
  const code = error.code ?? ''
  const base = {
    provider: SMTP_DRIVER_NAME,
    message: error.response ?? error.message,
    ...(error.responseCode ? { status: error.responseCode } : {}),
    cause: error,
  }
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_AUTH_FAILED',
      kind: 'permanent',
      maybeDelivered: false,
    })
  }
  if (
    code === 'ETLS' ||
    isCertificateError(error.originalCode) ||
    (requireTLS && /STARTTLS/i.test(error.message))
  ) {
    return new MailProviderError({
      ...base,
      message: `${base.message}${error.originalCode ? ` (${error.originalCode})` : ''}`,
      code: 'KIT_MAILER_TLS_REQUIRED',
      kind: 'permanent',
      maybeDelivered: false,
    })
  }
  if (typeof error.responseCode === 'number' && error.responseCode >= 400) {
    // The server answered with a refusal: it did not take the message.
    return new MailProviderError({
      ...base,
      code: error.permanent ? 'KIT_MAILER_REJECTED' : 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      kind: error.permanent ? 'permanent' : 'transient',
      maybeDelivered: false,
    })
  }
  if (PERMANENT_CODES.has(code)) {
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_REJECTED',
      kind: 'permanent',
      maybeDelivered: false,
    })
  }
  return new MailProviderError({
    ...base,
    code: code === 'ETIMEDOUT' ? 'KIT_MAILER_TIMEOUT' : 'KIT_MAILER_PROVIDER_UNAVAILABLE',
    kind: 'transient',
    maybeDelivered: bodySent,
  })
}
