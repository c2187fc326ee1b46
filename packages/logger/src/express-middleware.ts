import type { IncomingMessage, ServerResponse } from 'node:http'
import { EXPRESS_FACTS, requestFacts } from '@kit/internal'
import type { Logger } from 'pino'
import { type ActiveRequest, requestStorage } from './context.ts'
import { assertLoggerArgument } from './logger-argument.ts'
import { logRequestLine } from './request-line.ts'
import {
  parseRequestLoggerOptions,
  type RequestLoggerConfig,
  type RequestLoggerOptions,
} from './request-options.ts'
import { checkLogger, exposeRequestLog, startRequest } from './request-start.ts'

/** The request as kit leaves it: `req.id` and `req.log` (a child logger bound to the id). */
export interface KitRequest extends IncomingMessage {
  id: string
  log: Logger
}

interface ExpressRequest extends IncomingMessage {
  id?: unknown
  log?: unknown
  originalUrl?: string
  baseUrl?: string
  ip?: string
  route?: { path?: unknown }
}

export type ExpressMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

const STATE: unique symbol = Symbol('kit.logger.express')
type TrackedResponse = ServerResponse & { [STATE]?: { request: ActiveRequest; config: RequestLoggerConfig } }

/**
 * Express middleware, first in the pipeline: request id (accepted or made,
 * echoed in the response), request context for `log.info()` anywhere in the
 * request, `req.id`/`req.log`, and one line when the response is done.
 */
export function requestLogger(log: Logger, options: RequestLoggerOptions = {}): ExpressMiddleware {
  assertLoggerArgument(log, 'requestLogger')
  const config = parseRequestLoggerOptions(options)
  checkLogger(log)
  return function kitRequestLogger(req, res, next) {
    const request = startRequest(log, config, req)
    res.setHeader(config.header, request.id)
    const expressReq = req as ExpressRequest
    expressReq.id = request.id
    exposeRequestLog(expressReq, request)
    requestFacts(req, expressReq, EXPRESS_FACTS).requestId = request.id
    ;(res as TrackedResponse)[STATE] = { request, config }
    // 'close' follows 'finish' and also fires when the client goes away: one listener, one line.
    res.on('close', onClose)
    requestStorage.run(request, next)
  }
}

function onClose(this: TrackedResponse): void {
  const state = this[STATE]
  if (state === undefined) return
  const req = this.req as ExpressRequest
  const routePath = req.route?.path
  logRequestLine(state.request, state.config, req, this, {
    method: req.method,
    url: req.originalUrl ?? req.url,
    route: typeof routePath === 'string' ? (req.baseUrl ?? '') + routePath : undefined,
    status: this.statusCode,
    ip: requestFacts(req, req, EXPRESS_FACTS).clientAddress,
    userAgent: req.headers['user-agent'],
    aborted: !this.writableFinished,
  })
}
