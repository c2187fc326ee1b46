import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErrorPages } from './error-pages.ts'
import { errorHeaders, statusOf } from './error-response.ts'

type Next = (error?: unknown) => void

export interface ErrorHandlerContext {
  pages: ErrorPages
  /** Reads the request id the logger assigned (echoed in X-Request-Id). */
  requestId(req: IncomingMessage, res: ServerResponse): string | undefined
  /** Lets the request log line carry the error (and its stack) of a 5xx. */
  attachError?(res: ServerResponse, error: unknown): void
  /** Sentry's Express error handler, when SENTRY_DSN is set: it reports, then passes the error on. */
  report?(error: unknown, req: IncomingMessage, res: ServerResponse, next: Next): void
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
    send(res, ctx.pages.notFound(req, ctx.requestId(req, res)))
  }
}

/**
 * Express error handler: no stack traces or internal messages in production,
 * JSON or HTML by Accept, the request id in the body. Errors after headers
 * were sent close the socket (what Express's own final handler does).
 */
export function errorHandler(
  ctx: ErrorHandlerContext,
): (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return function kitErrorHandler(error, req, res, _next) {
    if (statusOf(error) >= 500) ctx.attachError?.(res, error)
    if (res.headersSent) {
      req.socket.destroy()
      return
    }
    for (const [name, value] of Object.entries(errorHeaders(error))) res.setHeader(name, value)
    send(res, ctx.pages.failure(error, req, ctx.requestId(req, res)))
  }
}

/**
 * What Express calls when no middleware answered or an error reached the end
 * of the router: kit's 404 and error handler, as the app's final handler
 * (instead of `finalhandler`). Installed by productionize(), so they work
 * without kit.listen() (supertest, serverless), and an app's own 404 or error
 * middleware, added after its routes, still answers first
 * (docs/internals/framework-facts.md).
 */
export function finalHandler(ctx: ErrorHandlerContext): (req: IncomingMessage, res: ServerResponse) => Next {
  const notFound = notFoundHandler(ctx)
  const failed = errorHandler(ctx)
  const kitFinalHandler = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    if (error === undefined || error === null || error === 'route' || error === 'router') {
      notFound(req, res)
      return
    }
    if (ctx.report) ctx.report(error, req, res, (passed) => failed(passed ?? error, req, res, () => {}))
    else failed(error, req, res, () => {})
  }
  // The per-request callback is an anonymous arrow: a named function made per request gets a
  // name-setting call from esbuild's keepNames when run from sources (tsx, the bench).
  return (req, res) => (error?: unknown) => kitFinalHandler(error, req, res)
}
