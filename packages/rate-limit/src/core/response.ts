import type { IncomingMessage, ServerResponse } from 'node:http'
import { type ErrorInfo, errorRendererOf, errorTitle, renderError } from '@kit/internal'

/** The body of a refused request, negotiated by `Accept`. */
export interface RefusalBody {
  status: number
  contentType: string
  body: string
}

function message(status: number, retryAfter: number): string {
  const wait = `Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`
  return status === 429 ? `Too many requests. ${wait}` : `Rate limiting is temporarily unavailable. ${wait}`
}

/**
 * kit's one error shape (@kit/internal error-body): JSON
 * `{ error: { status, title, message, requestId, retryAfter } }` unless the
 * client prefers HTML (a browser), or the app's own shape when @kit/core was
 * given `errors.render`; the request id lets a user quote it.
 */
export function refusalBody(
  status: number,
  retryAfter: number,
  req: IncomingMessage,
  requestId: string | undefined,
): RefusalBody {
  const info: ErrorInfo = {
    status,
    title: errorTitle(status),
    message: message(status, retryAfter),
    retryAfter,
  }
  if (requestId) info.requestId = requestId
  const { status: rendered, contentType, body } = renderError(info, req, errorRendererOf(req))
  return { status: rendered, contentType, body }
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
  status: number,
  retryAfter: number,
): void {
  if (res.headersSent) return
  const {
    status: sent,
    contentType,
    body,
  } = refusalBody(status, retryAfter, req, requestIdOf(res, req as { id?: unknown }))
  res.statusCode = sent
  res.setHeader('Retry-After', String(retryAfter))
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Content-Type', contentType)
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(req.method === 'HEAD' ? undefined : body)
}
