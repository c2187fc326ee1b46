import { setResponseError } from '@kit/logger'
import type { ErrorPages } from '../errors/error-pages.ts'
import { errorHeaders } from '../errors/error-response.ts'
import type { StartupWarning } from './startup-warnings.ts'

type Handler = (...args: any[]) => unknown

/** The parts of a Fastify 5 instance this file uses. */
export interface FastifyErrorsHost {
  prefix: string
  setNotFoundHandler(...args: unknown[]): unknown
  setErrorHandler(handler: Handler): unknown
  ready(...args: unknown[]): unknown
}

interface Reply {
  raw: import('node:http').ServerResponse
  getHeader(name: string): unknown
  code(status: number): Reply
  header(name: string, value: string): Reply
  type(contentType: string): Reply
  send(body: string): Reply
}

function send(reply: Reply, response: { status: number; contentType: string; body: string }): Reply {
  return reply
    .code(response.status)
    .header('cache-control', 'no-store')
    .type(response.contentType)
    .send(response.body)
}

const requestIdOf = (reply: Reply) => reply.getHeader('x-request-id') as string | undefined

// Fastify's own flag for "an error handler was set in this scope" (docs/internals/framework-facts.md).
function errorHandlerSetFlag(app: object): symbol | undefined {
  return Object.getOwnPropertySymbols(app).find((s) => s.description === 'fastify.errorHandlerAlreadySet')
}

/**
 * kit's 404 and error handler on Fastify, which lets the app keep its own:
 * - the error handler is set now, so every route added later uses it; an app
 *   calling setErrorHandler at the root afterwards replaces it without
 *   Fastify's "overriding an errorHandler" warning (or, with
 *   allowErrorHandlerOverride: false, its crash), and kit's stays behind it
 *   for errors the app's handler throws on;
 * - the 404 handler is set when the app becomes ready, and only if the app
 *   set none of its own at the root (Fastify allows one per prefix and throws
 *   "Not found handler already set" on a second).
 * See docs/internals/framework-facts.md.
 */
export function installFastifyErrorPages(
  app: FastifyErrorsHost,
  pages: ErrorPages,
  warn: (warning: StartupWarning) => void,
): void {
  const setNotFoundHandler = app.setNotFoundHandler
  const setErrorHandler = app.setErrorHandler
  const ready = app.ready
  let ownNotFound = false

  setErrorHandler.call(app, function kitErrorHandler(error: unknown, request: any, reply: Reply) {
    const response = pages.failure(error, request.raw, requestIdOf(reply))
    if (response.status >= 500) setResponseError(reply.raw, error)
    // Retry-After from an error that asks for it (503 KIT_CORE_DATABASE_UNAVAILABLE).
    for (const [name, value] of Object.entries(errorHeaders(error))) reply.header(name, value)
    return send(reply, response)
  })

  app.setErrorHandler = function appSetErrorHandler(this: FastifyErrorsHost, handler: Handler) {
    if (this === app) {
      warn('own-error-handler')
      const flag = errorHandlerSetFlag(app)
      if (flag) (app as unknown as Record<symbol, boolean>)[flag] = false
    }
    return setErrorHandler.call(this, handler)
  }
  app.setNotFoundHandler = function appSetNotFoundHandler(this: FastifyErrorsHost, ...args: unknown[]) {
    // An unprefixed plugin shares the root's 404 handler, so it counts as the app's own too.
    if (this.prefix === '' && args.length > 0) {
      ownNotFound = true
      warn('own-not-found-handler')
    }
    return setNotFoundHandler.apply(this, args)
  }
  let installed = false
  // listen(), inject() and ready() all go through ready(): the last moment a 404 handler can be set.
  app.ready = function kitReady(this: FastifyErrorsHost, ...args: unknown[]) {
    if (!installed) {
      installed = true
      if (!ownNotFound) {
        setNotFoundHandler.call(app, function kitNotFound(request: any, reply: Reply) {
          return send(reply, pages.notFound(request.raw, requestIdOf(reply)))
        })
      }
    }
    return ready.apply(this, args)
  }
}
