import type { IncomingMessage, ServerResponse } from 'node:http'

/** The body of a refused request, negotiated by `Accept`. */
export interface RefusalBody {
  contentType: string
  body: string
}

const TITLES: Record<number, string> = { 429: 'Too Many Requests', 503: 'Service Unavailable' }

function message(status: number, retryAfter: number): string {
  const wait = `Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`
  return status === 429 ? `Too many requests. ${wait}` : `Rate limiting is temporarily unavailable. ${wait}`
}

function wantsHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false
  const html = accept.indexOf('text/html')
  if (html === -1) return false
  const json = accept.indexOf('application/json')
  return json === -1 || html < json
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The same shapes as kit's error handler (@kit/core): JSON
 * `{ error: { status, title, message, requestId, retryAfter } }` unless the
 * client prefers HTML (a browser); the request id lets a user quote it.
 */
export function refusalBody(
  status: 429 | 503,
  retryAfter: number,
  accept: string | undefined,
  requestId: string | undefined,
): RefusalBody {
  const title = TITLES[status]!
  const text = message(status, retryAfter)
  if (wantsHtml(accept)) {
    const id = requestId ? `<p>Request id: <code>${escapeHtml(requestId)}</code></p>` : ''
    return {
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1><p>${text}</p>${id}</body></html>`,
    }
  }
  const error: Record<string, unknown> = { status, title, message: text, retryAfter }
  if (requestId) error.requestId = requestId
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error }) }
}

/** The request id @kit/logger echoed on the response, else the framework's own (`req.id`). */
export function requestIdOf(
  res: { getHeader(name: string): unknown },
  req: { id?: unknown },
): string | undefined {
  const header = res.getHeader('x-request-id')
  if (typeof header === 'string' && header !== '') return header
  const id = req.id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}

/** Writes a refusal on a raw response (Express and node:http). */
export function sendRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  status: 429 | 503,
  retryAfter: number,
): void {
  if (res.headersSent) return
  const { contentType, body } = refusalBody(
    status,
    retryAfter,
    req.headers.accept,
    requestIdOf(res, req as { id?: unknown }),
  )
  res.statusCode = status
  res.setHeader('Retry-After', String(retryAfter))
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Content-Type', contentType)
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(req.method === 'HEAD' ? undefined : body)
}
