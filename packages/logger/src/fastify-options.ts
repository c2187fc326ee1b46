import type { IncomingMessage } from 'node:http'
import { requireOptional } from '@kit/internal'
import type { LogController } from 'fastify'
import type { ChildLoggerOptions } from 'pino'
import type { Logger } from './create-logger.ts'
import { assertLoggerArgument } from './logger-argument.ts'
import { isSafeRequestId, resolveRequestId } from './request-id.ts'
import {
  parseRequestLoggerOptions,
  type RequestLoggerConfig,
  type RequestLoggerOptions,
} from './request-options.ts'
import { bindRequestLogger } from './request-start.ts'

/** What `Fastify({ ...fastifyLoggerOptions(log) })` receives. */
export interface KitFastifyServerOptions {
  loggerInstance: Logger
  /** Fastify's own per-request lines are off: kit writes one line per request instead. */
  logController?: LogController
  disableRequestLogging?: true
  genReqId: (req: IncomingMessage) => string
  requestIdHeader: false
  childLoggerFactory: (
    logger: unknown,
    bindings: Record<string, unknown>,
    options: ChildLoggerOptions,
  ) => Logger
}

/**
 * Options for the Fastify constructor (Fastify 5 takes a pino instance only
 * there): our logger, our request ids, request loggers bound to the id, and
 * Fastify's own request lines off. Register kitLoggerPlugin too.
 *
 * This file has no Fastify value import and no fastify-plugin: @kit/core
 * loads it in every app (its fastifyOptions() is exported to all), and an
 * Express app has no `fastify` installed. Fastify is required only when this
 * runs, which only a Fastify app does (docs/internals/module-loading.md).
 */
export function fastifyLoggerOptions(
  log: Logger,
  options: RequestLoggerOptions = {},
): KitFastifyServerOptions {
  assertLoggerArgument(log, 'fastifyLoggerOptions')
  const config = parseRequestLoggerOptions(options)
  const genReqId = genReqIdFor(config)
  let lastId: string | undefined
  const { LogController: Controller } = requireOptional<{
    LogController?: new (o: object) => LogController
  }>('fastify', 'fastifyLoggerOptions()')
  return {
    loggerInstance: log,
    // Fastify >= 5.12 deprecates the top-level disableRequestLogging in favour of a LogController.
    ...(Controller
      ? { logController: new Controller({ disableRequestLogging: true }) }
      : { disableRequestLogging: true }),
    genReqId(req) {
      lastId = genReqId(req)
      return lastId
    },
    requestIdHeader: false,
    childLoggerFactory(logger, bindings, childOptions) {
      const id = bindings.reqId
      // Fastify asks for the child right after the id: one made by genReqId above needs no second check.
      if (id === lastId || isSafeRequestId(id)) return bindRequestLogger(log, id as string, childOptions)
      return (logger as Logger).child(bindings, childOptions)
    },
  }
}

export function genReqIdFor(config: RequestLoggerConfig): (req: IncomingMessage) => string {
  return (req) => resolveRequestId(req.headers[config.header], config.trust)
}
