import { type ErrorBody, type ErrorInfo, errorBody, errorTitle, redactString, refusalOf } from '@kit/internal'

/** A rendered error response (kept under this name for @kit/core's public API). */
export type ErrorResponse = ErrorBody

export interface ErrorResponseOptions {
  /** Production hides stack traces and the messages of 5xx errors. */
  production: boolean
  requestId?: string | undefined
  /** The request's Accept header: HTML for browsers, JSON otherwise. */
  accept?: string | undefined
}

interface HttpErrorLike {
  status?: unknown
  statusCode?: unknown
  expose?: unknown
  message?: unknown
  stack?: unknown
  code?: unknown
  validation?: unknown
}

/** The status an error asks for, if it is a real 4xx/5xx; 500 otherwise. */
export function statusOf(error: unknown): number {
  const e = (error ?? {}) as HttpErrorLike
  const status = Number(e.status ?? e.statusCode)
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500
}

/**
 * Headers an error asks for, by the http-errors convention (`error.headers`):
 * only Retry-After is honoured, e.g. 503 + Retry-After from
 * KIT_CORE_DATABASE_UNAVAILABLE.
 */
export function errorHeaders(error: unknown): Record<string, string> {
  const headers = (error as { headers?: unknown } | null)?.headers
  const retryAfter =
    headers && typeof headers === 'object' ? (headers as Record<string, unknown>)['retry-after'] : undefined
  return typeof retryAfter === 'string' && /^\d+$/.test(retryAfter) ? { 'retry-after': retryAfter } : {}
}

/**
 * What the client may learn about `error`: 5xx bodies in production carry
 * only the status text and the request id (so a user can quote it to
 * support); 4xx bodies carry the error's message only when it was meant for
 * the client (http-errors' `expose`, Fastify's own 4xx errors). Outside
 * production the message and stack are shown, secrets scrubbed. A `KIT_*`
 * or Fastify `FST_*` code is kept: it names what was wrong, never a secret.
 */
export function errorInfo(error: unknown, options: ErrorResponseOptions): ErrorInfo {
  // A body kit's security step refused, passed through the framework's error handling: kit's own refusal.
  const refusal = refusalOf(error)
  if (refusal !== undefined) {
    return options.requestId ? { ...refusal, requestId: options.requestId } : { ...refusal }
  }
  const status = statusOf(error)
  const e = (error ?? {}) as HttpErrorLike
  const title = errorTitle(status)
  const clientSafe =
    status < 500 && (e.expose === true || e.validation !== undefined || isFrameworkCode(e.code))
  const message =
    !options.production || clientSafe
      ? redactString(typeof e.message === 'string' && e.message ? e.message : title)
      : title
  const info: ErrorInfo = { status, title, message }
  if (status < 500 && isFrameworkCode(e.code)) info.code = e.code
  if (options.requestId) info.requestId = options.requestId
  if (!options.production && typeof e.stack === 'string') info.stack = redactString(e.stack)
  return info
}

function isFrameworkCode(code: unknown): code is string {
  return typeof code === 'string' && /^(KIT|FST)_[A-Z0-9_]+$/.test(code)
}

/** kit's own error body (DESIGN §5: no internals in production), JSON or HTML by Accept. */
export function errorResponse(error: unknown, options: ErrorResponseOptions): ErrorResponse {
  return errorBody(errorInfo(error, options), options.accept)
}

/** The 404 every unmatched route gets, in the same shape as errors. */
export function notFoundInfo(method: string, path: string, options: ErrorResponseOptions): ErrorInfo {
  // No stack, even in development: it would only show kit's own frames.
  const error = { message: `No route for ${method} ${path.split('?')[0]}`, status: 404, expose: true }
  return errorInfo(error, options)
}

export function notFoundResponse(method: string, path: string, options: ErrorResponseOptions): ErrorResponse {
  return errorBody(notFoundInfo(method, path, options), options.accept)
}
