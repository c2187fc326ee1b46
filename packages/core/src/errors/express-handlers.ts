import type { IncomingMessage, ServerResponse } from 'node:http'
import type { KitLogger } from '@kit/internal'
import { errorHeaders, errorResponse, notFoundResponse, statusOf } from './error-response.ts'

type Next = (error?: unknown) => void

export interface ErrorHandlerContext {
  production: boolean
  log: KitLogger
  /** Reads the request id the logger assigned (echoed in X-Request-Id). */
  requestId(req: IncomingMessage, res: ServerResponse): string | undefined
  /** Lets the request log line carry the error (and its stack) of a 5xx. */
  attachError?(res: ServerResponse, error: unknown): void
}

function send(res: ServerResponse, response: { status: number; contentType: string; body: string }): void {
  res.statusCode = response.status
  res.setHeader('Content-Type', response.contentType)
  res.setHeader('Content-Length', Buffer.byteLength(response.body))
  // Error pages are per-request: never let a shared cache keep one.
  res.setHeader('Cache-Control', 'no-store')
  res.end(response.body)
}

/** Express 404 for every request no route answered. */
export function notFoundHandler(
  ctx: ErrorHandlerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return function kitNotFound(req, res) {
    send(
      res,
      notFoundResponse(req.method ?? 'GET', req.url ?? '/', {
        production: ctx.production,
        requestId: ctx.requestId(req, res),
        accept: req.headers.accept,
      }),
    )
  }
}

/**
 * Express error handler: no stack traces or internal messages in production,
 * JSON or HTML by Accept, the request id in the body. Errors after headers
 * were sent are handed to Express's default handler, which closes the socket.
 */
export function errorHandler(
  ctx: ErrorHandlerContext,
): (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return function kitErrorHandler(error, req, res, next) {
    if (statusOf(error) >= 500) ctx.attachError?.(res, error)
    if (res.headersSent) return next(error)
    for (const [name, value] of Object.entries(errorHeaders(error))) res.setHeader(name, value)
    send(
      res,
      errorResponse(error, {
        production: ctx.production,
        requestId: ctx.requestId(req, res),
        accept: req.headers.accept,
      }),
    )
  }
}
