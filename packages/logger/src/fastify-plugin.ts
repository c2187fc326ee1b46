import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { clientAddress, KitError } from '@kit/internal'
import fastifyModule, {
  type FastifyPluginCallback,
  type FastifyReply,
  type FastifyRequest,
  type LogController,
} from 'fastify'
import fp from 'fastify-plugin'
import type { ChildLoggerOptions } from 'pino'
import { ActiveRequest, requestStorage } from './context.ts'
import { isKitLogger, type Logger } from './create-logger.ts'
import { assertLoggerArgument } from './logger-argument.ts'
import { isSafeRequestId, resolveRequestId } from './request-id.ts'
import { logRequestLine, setResponseError } from './request-line.ts'
import {
  parseRequestLoggerOptions,
  type RequestLoggerConfig,
  type RequestLoggerOptions,
} from './request-options.ts'
import { bindRequestLogger, boundRequestId, checkLogger } from './request-start.ts'

export interface KitLoggerPluginOptions extends RequestLoggerOptions {
  /** The logger from createLogger(). @default the app's logger when it was created with fastifyLoggerOptions() */
  log?: Logger
}

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

const STATE: unique symbol = Symbol('kit.logger.fastify')
type TrackedRequest = FastifyRequest & { [STATE]?: { active: ActiveRequest; res: ServerResponse } }

/**
 * Options for the Fastify constructor (Fastify 5 takes a pino instance only
 * there): our logger, our request ids, request loggers bound to the id, and
 * Fastify's own request lines off. Register kitLoggerPlugin too.
 */
export function fastifyLoggerOptions(
  log: Logger,
  options: RequestLoggerOptions = {},
): KitFastifyServerOptions {
  assertLoggerArgument(log, 'fastifyLoggerOptions')
  const config = parseRequestLoggerOptions(options)
  const Controller = (fastifyModule as unknown as { LogController?: new (o: object) => LogController })
    .LogController
  return {
    loggerInstance: log,
    // Fastify >= 5.12 deprecates the top-level disableRequestLogging in favour of a LogController.
    ...(Controller
      ? { logController: new Controller({ disableRequestLogging: true }) }
      : { disableRequestLogging: true }),
    genReqId: genReqIdFor(config),
    requestIdHeader: false,
    childLoggerFactory(logger, bindings, childOptions) {
      const id = bindings.reqId
      if (isSafeRequestId(id)) return bindRequestLogger(log, id, childOptions)
      return (logger as Logger).child(bindings, childOptions)
    },
  }
}

function genReqIdFor(config: RequestLoggerConfig): (req: IncomingMessage) => string {
  return (req) => resolveRequestId(req.headers[config.header], config.trust)
}

const plugin: FastifyPluginCallback<KitLoggerPluginOptions> = (fastify, options, done) => {
  let log: Logger
  let config: RequestLoggerConfig
  // A callback plugin must report errors through done(): a throw would only time the plugin out.
  try {
    ;({ log, config } = resolvePluginOptions(fastify.log, options))
  } catch (error) {
    done(error as Error)
    return
  }
  // Apps created without fastifyLoggerOptions() still get kit's request ids (not Fastify's counter).
  fastify.setGenReqId(genReqIdFor(config))
  fastify.addHook('onRequest', onRequest)
  fastify.addHook('onError', onError)
  fastify.addHook('onResponse', onResponse)
  fastify.addHook('onRequestAbort', onRequestAbort)
  done()

  function onRequest(request: FastifyRequest, reply: FastifyReply, next: () => void): void {
    let active: ActiveRequest
    if (boundRequestId(request.log) === request.id) {
      active = new ActiveRequest(request.id, request.log as Logger, performance.now())
    } else {
      // Created without fastifyLoggerOptions(): request.log becomes ours. reply.log stays Fastify's,
      // so Fastify's own request lines keep going where the app sent them (nowhere by default).
      active = new ActiveRequest(request.id, bindRequestLogger(log, request.id), performance.now())
      request.log = active.log
    }
    ;(request as TrackedRequest)[STATE] = { active, res: reply.raw }
    reply.header(config.header, active.id)
    requestStorage.run(active, next)
  }

  function onResponse(request: FastifyRequest, _reply: FastifyReply, next: () => void): void {
    writeLine(request, false)
    next()
  }

  function onRequestAbort(request: FastifyRequest, next: () => void): void {
    writeLine(request, true)
    next()
  }

  function writeLine(request: FastifyRequest, aborted: boolean): void {
    const state = (request as TrackedRequest)[STATE]
    if (state === undefined) return
    const { active, res } = state
    logRequestLine(active, config, request.raw, res, {
      method: request.method,
      url: request.raw.url,
      route: request.is404 ? undefined : request.routeOptions.url,
      status: res.statusCode,
      ip: clientAddress(request.raw, request.ip),
      userAgent: request.headers['user-agent'],
      aborted,
    })
  }
}

function onError(_request: FastifyRequest, reply: FastifyReply, error: Error, next: () => void): void {
  setResponseError(reply, error)
  next()
}

function resolvePluginOptions(
  appLog: unknown,
  options: KitLoggerPluginOptions,
): { log: Logger; config: RequestLoggerConfig } {
  const { log = isKitLogger(appLog) ? (appLog as Logger) : undefined, ...rest } = options
  if (log === undefined) {
    throw new KitError(
      'KIT_LOGGER_NO_LOGGER',
      'kitLoggerPlugin needs a logger: create the app with Fastify({ ...fastifyLoggerOptions(log) }) or register the plugin with { log }.',
    )
  }
  assertLoggerArgument(log, 'kitLoggerPlugin')
  const config = parseRequestLoggerOptions(rest)
  checkLogger(log)
  return { log, config }
}

/** Request logging for Fastify 5: ids, context, one line per request (same fields as Express). */
export const kitLoggerPlugin: FastifyPluginCallback<KitLoggerPluginOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/logger',
})
