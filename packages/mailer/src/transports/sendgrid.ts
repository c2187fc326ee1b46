/**
 * SendGrid v3 Mail Send over HTTP (no SDK): POST /v3/mail/send answers 202
 * with an X-Message-Id header. SendGrid has no idempotency key, so only
 * failures that prove the message was not accepted (429, 503, connection
 * refused) are marked safe to retry or fail over.
 */
import { addKnownSecret } from '@kit/internal'
import type { MailerErrorCode } from '../errors.ts'
import { request, retryAfterMs } from '../http.ts'
import { MailProviderError } from '../provider-error.ts'
import { requireApiKey, resolveBaseUrl, resolveTimeout } from '../transport-options.ts'
import type {
  MailAddress,
  MailTransport,
  OutgoingMessage,
  TransportResult,
  TransportSendOptions,
} from '../types.ts'

export const SENDGRID_DRIVER_NAME = 'sendgrid'

export interface SendGridTransportOptions {
  /** A key with the "Mail Send" scope. @default SENDGRID_API_KEY */
  apiKey?: string
  /** `https://api.eu.sendgrid.com` for EU subusers; a local URL in tests. @default 'https://api.sendgrid.com' */
  baseUrl?: string
  /** Per request: connect, send and read the answer. @default 10000 */
  timeoutMs?: number
}

export interface SendGridTransport extends MailTransport {
  readonly name: 'sendgrid'
  readonly idempotent: false
  verify(options?: TransportSendOptions): Promise<string>
}

export function createSendGridTransport(options: SendGridTransportOptions = {}): SendGridTransport {
  const apiKey = requireApiKey(SENDGRID_DRIVER_NAME, options.apiKey, 'SENDGRID_API_KEY')
  addKnownSecret(apiKey)
  const baseUrl = resolveBaseUrl(SENDGRID_DRIVER_NAME, options.baseUrl, 'https://api.sendgrid.com')
  const timeoutMs = resolveTimeout(SENDGRID_DRIVER_NAME, options.timeoutMs)
  const headers = {
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
    'user-agent': 'kit-mailer',
  }

  return {
    name: SENDGRID_DRIVER_NAME,
    idempotent: false,
    async send(message: OutgoingMessage, opts: TransportSendOptions = {}): Promise<TransportResult> {
      const response = await request(SENDGRID_DRIVER_NAME, {
        method: 'POST',
        url: `${baseUrl}/v3/mail/send`,
        headers,
        body: JSON.stringify(toSendGridBody(message)),
        timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      if (response.status >= 200 && response.status < 300) {
        return {
          messageId: response.headers.get('x-message-id') ?? '',
          accepted: [...message.to, ...message.cc, ...message.bcc].map((a) => a.email),
          rejected: [],
        }
      }
      throw sendGridError(response.status, response.headers, response.json, response.text)
    },
    async verify(opts: TransportSendOptions = {}): Promise<string> {
      const response = await request(SENDGRID_DRIVER_NAME, {
        method: 'GET',
        url: `${baseUrl}/v3/scopes`,
        headers,
        timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      if (response.status !== 200) {
        throw sendGridError(response.status, response.headers, response.json, response.text)
      }
      const scopes = (response.json as { scopes?: unknown } | undefined)?.scopes
      if (Array.isArray(scopes) && !scopes.includes('mail.send')) {
        throw new MailProviderError({
          provider: SENDGRID_DRIVER_NAME,
          code: 'KIT_MAILER_AUTH_FAILED',
          message: 'the API key is valid but lacks the "Mail Send" (mail.send) scope',
          kind: 'permanent',
          maybeDelivered: false,
        })
      }
      return 'API key has the mail.send scope'
    },
  }
}

/** The v3 request body. text/plain must come before text/html (SendGrid rejects the other order). */
export function toSendGridBody(message: OutgoingMessage): Record<string, unknown> {
  const personalization: Record<string, unknown> = { to: message.to.map(toSendGridAddress) }
  if (message.cc.length) personalization.cc = message.cc.map(toSendGridAddress)
  if (message.bcc.length) personalization.bcc = message.bcc.map(toSendGridAddress)
  const content: { type: string; value: string }[] = []
  if (message.text !== undefined) content.push({ type: 'text/plain', value: message.text })
  if (message.html !== undefined) content.push({ type: 'text/html', value: message.html })
  const body: Record<string, unknown> = {
    personalizations: [personalization],
    from: toSendGridAddress(message.from),
    subject: message.subject,
    content,
  }
  if (message.replyTo.length === 1) body.reply_to = toSendGridAddress(message.replyTo[0] as MailAddress)
  else if (message.replyTo.length > 1) body.reply_to_list = message.replyTo.map(toSendGridAddress)
  if (message.attachments.length) {
    body.attachments = message.attachments.map((a) => ({
      content: a.content.toString('base64'),
      filename: a.filename,
      type: a.contentType,
      disposition: a.disposition,
      ...(a.contentId ? { content_id: a.contentId } : {}),
    }))
  }
  if (Object.keys(message.headers).length) body.headers = message.headers
  if (Object.keys(message.tags).length) body.custom_args = message.tags
  return body
}

function toSendGridAddress(address: MailAddress): { email: string; name?: string } {
  return address.name ? { email: address.email, name: address.name } : { email: address.email }
}

/** Maps a non-2xx answer to a MailProviderError, with the provider's own message. */
function sendGridError(status: number, headers: Headers, json: unknown, text: string): MailProviderError {
  const list = (json as { errors?: { message?: unknown; field?: unknown }[] } | undefined)?.errors
  const detail = Array.isArray(list)
    ? list
        .map((e) => `${String(e.message ?? 'error')}${e.field ? ` (field ${String(e.field)})` : ''}`)
        .join('; ')
    : text.slice(0, 200) || `HTTP ${status}`
  const base = { provider: SENDGRID_DRIVER_NAME, message: detail, status }
  if (status === 401 || status === 403) {
    return new MailProviderError({
      ...base,
      code: authCode(detail),
      kind: 'permanent',
      maybeDelivered: false,
    })
  }
  if (status === 408 || status === 429 || status === 503) {
    const wait = retryAfterMs(headers, status === 429 ? 'rate-limit' : 'outage')
    return new MailProviderError({
      ...base,
      code: status === 429 ? 'KIT_MAILER_RATE_LIMITED' : 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      kind: 'transient',
      // 408, 429 and 503 are answered before the message is queued: SendGrid did not take it.
      maybeDelivered: false,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    })
  }
  if (status >= 500) {
    // A 500 may come after the message was queued, and SendGrid cannot de-duplicate a retry.
    return new MailProviderError({
      ...base,
      code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      kind: 'transient',
      maybeDelivered: true,
    })
  }
  return new MailProviderError({
    ...base,
    code: 'KIT_MAILER_REJECTED',
    kind: 'permanent',
    maybeDelivered: false,
  })
}

// A 403 for an unverified sender identity is a message problem, not a credentials problem.
function authCode(detail: string): MailerErrorCode {
  return /sender identity|verified sender|from address/i.test(detail)
    ? 'KIT_MAILER_REJECTED'
    : 'KIT_MAILER_AUTH_FAILED'
}
