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

// Fastify's own flags, found by their symbols' descriptions (docs/internals/framework-facts.md):
// "an error handler was set in this scope" and "this prefix may still set its 404 handler".
function fastifyFlag(app: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(app).find((s) => s.description === description)
}
const errorHandlerSetFlag = (app: object) => fastifyFlag(app, 'fastify.errorHandlerAlreadySet')
const canSetNotFoundFlag = (app: object) => fastifyFlag(app, 'fastify.canSetNotFoundHandler')

/**
 * kit's 404 and error handler on Fastify, which lets the app keep its own:
 * - the error handler is set now, so every route added later uses it; an app
 *   calling setErrorHandler at the root afterwards replaces it without
 *   Fastify's "overriding an errorHandler" warning (or, with
 *   allowErrorHandlerOverride: false, its crash), and kit's stays behind it
 *   for errors the app's handler throws on;
 * - the 404 handler is set now too, unless the app already set one at the
 *   root; an app setting its own at the root later (directly, or from a
 *   root plugin while ready() loads it) replaces it: Fastify allows one per
 *   prefix and throws "Not found handler already set" on a second, so kit
 *   clears Fastify's flag for that first.
 * See docs/internals/framework-facts.md.
 */
export function installFastifyErrorPages(
  app: FastifyErrorsHost,
  pages: ErrorPages,
  warn: (warning: StartupWarning) => void,
): void {
  const setNotFoundHandler = app.setNotFoundHandler
  const setErrorHandler = app.setErrorHandler
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
  const notFoundFlag = canSetNotFoundFlag(app)
  const flags = app as unknown as Record<symbol, boolean>
  // An app that set its 404 handler before productionize() keeps it (Fastify's flag is already down).
  if (notFoundFlag === undefined || flags[notFoundFlag] !== false) {
    setNotFoundHandler.call(app, function kitNotFound(request: any, reply: Reply) {
      return send(reply, pages.notFound(request.raw, requestIdOf(reply)))
    })
  }
  app.setNotFoundHandler = function appSetNotFoundHandler(this: FastifyErrorsHost, ...args: unknown[]) {
    // An unprefixed plugin shares the root's 404 handler, so it counts as the app's own too.
    if (this.prefix === '' && args.length > 0) {
      warn('own-not-found-handler')
      // The root's 404 handler replaces the one before it (Fastify merges it into the same context),
      // so clearing the flag lets the app's take the place of kit's.
      if (notFoundFlag !== undefined) flags[notFoundFlag] = true
    }
    return setNotFoundHandler.apply(this, args)
  }
}
