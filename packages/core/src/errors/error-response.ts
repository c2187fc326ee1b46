import { STATUS_CODES } from 'node:http'
import { redactString } from '@kit/internal'

export interface ErrorResponse {
  status: number
  contentType: string
  body: string
}

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
 * A response that never leaks internals in production: 5xx bodies carry only
 * the status text and the request id (so a user can quote it to support);
 * 4xx bodies carry the error's message only when it was meant for the client
 * (http-errors' `expose`, Fastify validation errors). Outside production the
 * message and stack are shown, secrets scrubbed.
 */
export function errorResponse(error: unknown, options: ErrorResponseOptions): ErrorResponse {
  const status = statusOf(error)
  const e = (error ?? {}) as HttpErrorLike
  const title = STATUS_CODES[status] ?? 'Error'
  const clientSafe = status < 500 && (e.expose === true || e.validation !== undefined)
  const message =
    !options.production || clientSafe
      ? redactString(typeof e.message === 'string' && e.message ? e.message : title)
      : title
  const stack = !options.production && typeof e.stack === 'string' ? redactString(e.stack) : undefined

  if (prefersHtml(options.accept)) {
    return {
      status,
      contentType: 'text/html; charset=utf-8',
      body: htmlPage(status, title, message, options.requestId, stack),
    }
  }
  const payload: Record<string, unknown> = { error: { status, title, message } }
  if (options.requestId) (payload.error as Record<string, unknown>).requestId = options.requestId
  if (stack) (payload.error as Record<string, unknown>).stack = stack
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(payload) }
}

function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  const html = accept.indexOf('text/html')
  if (html === -1) return false
  const json = accept.indexOf('application/json')
  return json === -1 || html < json
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function htmlPage(
  status: number,
  title: string,
  message: string,
  requestId?: string,
  stack?: string,
): string {
  const id = requestId ? `<p>Request id: <code>${escapeHtml(requestId)}</code></p>` : ''
  const trace = stack ? `<pre>${escapeHtml(stack)}</pre>` : ''
  const detail = message !== title ? `<p>${escapeHtml(message)}</p>` : ''
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${escapeHtml(title)}</title></head><body><h1>${status} ${escapeHtml(title)}</h1>${detail}${id}${trace}</body></html>`
}

/** The 404 every unmatched route gets, in the same shapes as errors. */
export function notFoundResponse(method: string, path: string, options: ErrorResponseOptions): ErrorResponse {
  const error = Object.assign(new Error(`No route for ${method} ${path.split('?')[0]}`), {
    status: 404,
    expose: true,
  })
  return errorResponse(error, options)
}
