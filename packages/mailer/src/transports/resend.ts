/**
 * Resend over HTTP (no SDK): POST /emails answers 200 {id}. Every request
 * carries the message's Idempotency-Key, so retrying Resend after a timeout
 * or a 500 returns the first id instead of sending again.
 */
import { addKnownSecret } from '@kit/internal'
import { formatAddress } from '../addresses.ts'
import type { MailerErrorCode } from '../errors.ts'
import { request, retryAfterMs } from '../http.ts'
import { MailProviderError } from '../provider-error.ts'
import { requireApiKey, resolveBaseUrl, resolveTimeout } from '../transport-options.ts'
import type { MailTransport, OutgoingMessage, TransportResult, TransportSendOptions } from '../types.ts'

export const RESEND_DRIVER_NAME = 'resend'

export interface ResendTransportOptions {
  /** A key with "Sending access" (or full access). @default RESEND_API_KEY */
  apiKey?: string
  /** A local URL in tests. @default 'https://api.resend.com' */
  baseUrl?: string
  /** Per request: connect, send and read the answer. @default 10000 */
  timeoutMs?: number
}

export interface ResendTransport extends MailTransport {
  readonly name: 'resend'
  readonly idempotent: true
  verify(options?: TransportSendOptions): Promise<string>
}

export function createResendTransport(options: ResendTransportOptions = {}): ResendTransport {
  const apiKey = requireApiKey(RESEND_DRIVER_NAME, options.apiKey, 'RESEND_API_KEY')
  addKnownSecret(apiKey)
  const baseUrl = resolveBaseUrl(RESEND_DRIVER_NAME, options.baseUrl, 'https://api.resend.com')
  const timeoutMs = resolveTimeout(RESEND_DRIVER_NAME, options.timeoutMs)
  const headers = {
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
    'user-agent': 'kit-mailer',
  }

  return {
    name: RESEND_DRIVER_NAME,
    idempotent: true,
    async send(message: OutgoingMessage, opts: TransportSendOptions = {}): Promise<TransportResult> {
      const response = await request(RESEND_DRIVER_NAME, {
        method: 'POST',
        url: `${baseUrl}/emails`,
        headers: { ...headers, 'idempotency-key': message.idempotencyKey },
        body: JSON.stringify(toResendBody(message)),
        timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      const id = (response.json as { id?: unknown } | undefined)?.id
      if (response.status >= 200 && response.status < 300 && typeof id === 'string') {
        return {
          messageId: id,
          accepted: [...message.to, ...message.cc, ...message.bcc].map((a) => a.email),
          rejected: [],
        }
      }
      if (response.status >= 200 && response.status < 300) {
        // Accepted, but the answer is not what the API documents: the mail may be on its way.
        throw new MailProviderError({
          provider: RESEND_DRIVER_NAME,
          code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
          message: `answered ${response.status} without an id`,
          kind: 'transient',
          maybeDelivered: true,
          status: response.status,
        })
      }
      throw resendError(response.status, response.headers, response.json, response.text)
    },
    async verify(opts: TransportSendOptions = {}): Promise<string> {
      const response = await request(RESEND_DRIVER_NAME, {
        method: 'GET',
        url: `${baseUrl}/domains`,
        headers,
        timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      if (response.status === 200) return 'API key accepted'
      const name = (response.json as { name?: unknown } | undefined)?.name
      // A sending-only key may not list domains; that it is recognised as one proves it is valid.
      if (response.status === 401 && name === 'restricted_api_key') return 'sending-only API key accepted'
      throw resendError(response.status, response.headers, response.json, response.text)
    },
  }
}

/** The /emails request body (snake_case on the wire). */
export function toResendBody(message: OutgoingMessage): Record<string, unknown> {
  const body: Record<string, unknown> = {
    from: formatAddress(message.from),
    to: message.to.map(formatAddress),
    subject: message.subject,
  }
  if (message.cc.length) body.cc = message.cc.map(formatAddress)
  if (message.bcc.length) body.bcc = message.bcc.map(formatAddress)
  if (message.replyTo.length) body.reply_to = message.replyTo.map(formatAddress)
  if (message.html !== undefined) body.html = message.html
  if (message.text !== undefined) body.text = message.text
  if (Object.keys(message.headers).length) body.headers = message.headers
  if (message.attachments.length) {
    body.attachments = message.attachments.map((a) => ({
      filename: a.filename,
      content: a.content.toString('base64'),
      content_type: a.contentType,
      ...(a.contentId ? { content_id: a.contentId } : {}),
    }))
  }
  const tags = Object.entries(message.tags)
  if (tags.length) body.tags = tags.map(([name, value]) => ({ name, value }))
  return body
}

/** Maps Resend's `{ statusCode, name, message }` error to a MailProviderError. */
function resendError(status: number, headers: Headers, json: unknown, text: string): MailProviderError {
  const parsed = (json ?? {}) as { name?: unknown; message?: unknown }
  const name = typeof parsed.name === 'string' ? parsed.name : 'application_error'
  const detail = `${typeof parsed.message === 'string' ? parsed.message : text.slice(0, 200) || `HTTP ${status}`} [${name}]`
  const base = { provider: RESEND_DRIVER_NAME, message: detail, status }
  const permanent = (code: MailerErrorCode) =>
    new MailProviderError({ ...base, code, kind: 'permanent', maybeDelivered: false })
  if (name === 'missing_api_key' || name === 'invalid_api_key' || name === 'restricted_api_key') {
    return permanent('KIT_MAILER_AUTH_FAILED')
  }
  if (status === 401) return permanent('KIT_MAILER_AUTH_FAILED')
  if (name === 'invalid_idempotent_request') return permanent('KIT_MAILER_IDEMPOTENCY_CONFLICT')
  if (name === 'concurrent_idempotent_requests') {
    // The first request with this key is still being processed: it may deliver. Retry Resend only.
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      kind: 'transient',
      maybeDelivered: true,
      retryAfterMs: retryAfterMs(headers, 'outage') ?? 1000,
    })
  }
  if (status === 429) {
    const quota = name === 'daily_quota_exceeded' || name === 'monthly_quota_exceeded'
    const wait = retryAfterMs(headers, 'rate-limit')
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_RATE_LIMITED',
      kind: 'transient',
      maybeDelivered: false,
      // A spent quota does not come back in seconds: fail over instead of waiting.
      retrySameProvider: !quota,
      ...(wait === undefined || quota ? {} : { retryAfterMs: wait }),
    })
  }
  if (status === 503 || status === 408) {
    const wait = retryAfterMs(headers, 'outage')
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      kind: 'transient',
      maybeDelivered: false,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    })
  }
  if (status >= 500 && status !== 501) {
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      kind: 'transient',
      maybeDelivered: true,
    })
  }
  return permanent('KIT_MAILER_REJECTED')
}
