import { type IncomingMessage, STATUS_CODES } from 'node:http'

/**
 * What every error kit answers with carries, on both frameworks: the 404, the
 * error handler, body-parser and security refusals, rate limits. JSON bodies
 * are `{ "error": ErrorInfo }`; browsers get the same fields as an HTML page.
 */
export interface ErrorInfo {
  status: number
  /** The status text: 'Not Found', 'Too Many Requests'. */
  title: string
  /** Safe for the client: never an internal message in production. */
  message: string
  /** A stable KIT_* code when kit refused the request itself. */
  code?: string
  /** The request id (X-Request-Id), so a user can quote it to support. */
  requestId?: string
  /** Seconds, on 429 and 503. */
  retryAfter?: number
  /** Outside production only. */
  stack?: string
}

/** A rendered error response. */
export interface ErrorBody {
  status: number
  contentType: string
  body: string
}

/**
 * Renders kit's errors in the app's own shape (kit.config `errors.render`).
 * Return `{ body }` (an object is sent as JSON, a string as is), optionally
 * `status` and `contentType`; return undefined to keep kit's body.
 */
export type ErrorRenderer = (
  error: ErrorInfo,
  req: IncomingMessage,
) => { body: unknown; status?: number; contentType?: string } | undefined

export function errorTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

/** HTML for browsers (text/html before application/json in Accept), JSON otherwise. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  const html = accept.indexOf('text/html')
  if (html === -1) return false
  const json = accept.indexOf('application/json')
  return json === -1 || html < json
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** kit's JSON error body: `{"error":{"status","title","message","code","requestId",...}}`. */
export function errorJson(info: ErrorInfo): string {
  const error: Record<string, unknown> = { status: info.status, title: info.title, message: info.message }
  if (info.code !== undefined) error.code = info.code
  if (info.requestId !== undefined) error.requestId = info.requestId
  if (info.retryAfter !== undefined) error.retryAfter = info.retryAfter
  if (info.stack !== undefined) error.stack = info.stack
  return JSON.stringify({ error })
}

function errorHtml(info: ErrorInfo): string {
  const heading = `${info.status} ${escapeHtml(info.title)}`
  const detail = info.message !== info.title ? `<p>${escapeHtml(info.message)}</p>` : ''
  const id = info.requestId ? `<p>Request id: <code>${escapeHtml(info.requestId)}</code></p>` : ''
  const trace = info.stack ? `<pre>${escapeHtml(info.stack)}</pre>` : ''
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${heading}</title></head><body><h1>${heading}</h1>${detail}${id}${trace}</body></html>`
}

/** kit's own body for `info`, JSON or HTML by Accept. */
export function errorBody(info: ErrorInfo, accept: string | undefined): ErrorBody {
  return prefersHtml(accept)
    ? { status: info.status, contentType: 'text/html; charset=utf-8', body: errorHtml(info) }
    : { status: info.status, contentType: 'application/json; charset=utf-8', body: errorJson(info) }
}

/** The app's renderer's answer for `info`, else kit's own body. A renderer that throws falls back to kit's body (reported to `onRendererError`). */
export function renderError(
  info: ErrorInfo,
  req: IncomingMessage,
  renderer: ErrorRenderer | undefined,
  onRendererError?: (error: unknown) => void,
): ErrorBody {
  if (renderer) {
    let rendered: ReturnType<ErrorRenderer>
    try {
      rendered = renderer(info, req)
    } catch (error) {
      onRendererError?.(error)
      rendered = undefined
    }
    if (rendered !== undefined && rendered !== null) {
      const text = typeof rendered.body === 'string'
      return {
        status: rendered.status ?? info.status,
        contentType:
          rendered.contentType ?? (text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
        body: text ? (rendered.body as string) : JSON.stringify(rendered.body),
      }
    }
  }
  return errorBody(info, req.headers.accept)
}

const RENDERER = Symbol.for('kit.errorRenderer')

/** Makes `renderer` the one kit's refusals (security, rate limits) use for this request; @kit/core sets it first thing. */
export function attachErrorRenderer(req: IncomingMessage, renderer: ErrorRenderer): void {
  ;(req as unknown as Record<symbol, ErrorRenderer>)[RENDERER] = renderer
}

export function errorRendererOf(req: IncomingMessage | undefined): ErrorRenderer | undefined {
  return req ? (req as unknown as Record<symbol, ErrorRenderer | undefined>)[RENDERER] : undefined
}
