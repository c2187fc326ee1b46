import type { ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { FASTIFY_FACTS, fastifyRouteConfig, KitError, requestFacts } from '@kit/internal'
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ActiveRequest, requestStorage } from './context.ts'
import { isKitLogger, type Logger } from './create-logger.ts'
import { genReqIdFor } from './fastify-options.ts'
import { assertLoggerArgument } from './logger-argument.ts'
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

const STATE: unique symbol = Symbol('kit.logger.fastify')
type TrackedRequest = FastifyRequest & { [STATE]?: { active: ActiveRequest; res: ServerResponse } }

type OnRequestHook = (request: FastifyRequest, reply: FastifyReply, next: () => void) => void

const plugin: FastifyPluginCallback<KitLoggerPluginOptions> = (fastify, options, done) => {
  // A callback plugin must report errors through done(): a throw would only time the plugin out.
  try {
    fastify.addHook('onRequest', requestLoggerHook(fastify, options))
  } catch (error) {
    done(error as Error)
    return
  }
  done()
}

/**
 * Request logging on `fastify`: kit's request ids, and the hooks that write
 * the request line (onResponse, onRequestAbort, onError). Returns the
 * onRequest hook that starts a request, for the caller to add first:
 * @kit/core chains it with its other steps, the plugin adds it alone.
 */
export function requestLoggerHook(fastify: FastifyInstance, options: KitLoggerPluginOptions): OnRequestHook {
  const { log, config } = resolvePluginOptions(fastify.log, options)
  // Apps created without fastifyLoggerOptions() still get kit's request ids (not Fastify's counter).
  fastify.setGenReqId(genReqIdFor(config))
  fastify.addHook('onError', onError)
  fastify.addHook('onResponse', onResponse)
  fastify.addHook('onRequestAbort', onRequestAbort)
  return onRequest

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
    requestFacts(request.raw, request, FASTIFY_FACTS).requestId = active.id
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
      // request.routeOptions.url without building routeOptions; a 404 has no url (request.is404).
      route: fastifyRouteConfig(request)?.url,
      status: res.statusCode,
      ip: requestFacts(request.raw, request, FASTIFY_FACTS).clientAddress,
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
