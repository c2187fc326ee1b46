import { MailProviderError } from './provider-error.ts'
import { isCertificateError } from './tls-errors.ts'

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
}

// Errors raised while connecting: the request never reached the provider, so a retry elsewhere cannot duplicate it.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * One HTTP request with global fetch, bounded by `timeoutMs` (connect, send
 * and reading the body). Network failures become MailProviderErrors that say
 * whether the request may have reached the provider.
 */
export async function request(provider: string, req: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs)
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout
  try {
    const response = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
      redirect: 'error',
    })
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  } catch (error) {
    if (req.signal?.aborted) throw req.signal.reason ?? error
    if (timeout.aborted) {
      throw new MailProviderError({
        provider,
        code: 'KIT_MAILER_TIMEOUT',
        message: `no answer within ${req.timeoutMs} ms (timeoutMs)`,
        kind: 'transient',
        // The request may have been read and processed before the answer got lost.
        maybeDelivered: true,
        cause: error,
      })
    }
    const code = errorCode(error)
    // A refused certificate also stops the request before a byte of it is sent.
    const sent = code === undefined || !(NOT_SENT_CODES.has(code) || isCertificateError(code))
    throw new MailProviderError({
      provider,
      code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
      message: `request to ${new URL(req.url).host} failed${code ? ` (${code})` : ''}`,
      kind: 'transient',
      maybeDelivered: sent,
      cause: error,
    })
  }
}

/** The system error code behind a fetch failure (undici wraps it in `cause`, sometimes in an AggregateError). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    const nested = (current as { errors?: unknown[] }).errors
    if (Array.isArray(nested) && nested.length > 0) {
      current = nested[0]
      continue
    }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * How long a provider asked us to wait, in ms: `Retry-After` (seconds or an
 * HTTP date), and for a rate limit SendGrid's `X-RateLimit-Reset` (epoch
 * seconds) or the IETF `RateLimit-Reset` (seconds from now), which Resend
 * sends on every answer. Undefined when none is usable.
 */
export function retryAfterMs(
  headers: Headers,
  kind: 'rate-limit' | 'outage',
  now: number = Date.now(),
): number | undefined {
  const retryAfter = headers.get('retry-after')
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  if (kind === 'outage') return undefined
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN)
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now)
  const ietf = Number(headers.get('ratelimit-reset') ?? Number.NaN)
  if (Number.isFinite(ietf) && ietf >= 0) return Math.ceil(ietf * 1000)
  return undefined
}
