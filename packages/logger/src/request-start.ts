import type { IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import { ActiveRequest } from './context.ts'
import { isKitLogger, type Logger } from './create-logger.ts'
import { resolveRequestId } from './request-id.ts'
import type { RequestLoggerConfig } from './request-options.ts'

export { bindRequestLogger, boundRequestId } from './bind-request-logger.ts'

/** Resolves the id of a new request; its bound logger is made when first asked for (ActiveRequest). */
export function startRequest(root: Logger, config: RequestLoggerConfig, raw: IncomingMessage): ActiveRequest {
  const id = resolveRequestId(raw.headers[config.header], config.trust)
  return new ActiveRequest(id, root, performance.now(), true)
}

const ACTIVE: unique symbol = Symbol('kit.logger.active')
const ASSIGNED_LOG: unique symbol = Symbol('kit.logger.assignedLog')
type Exposed = { [ACTIVE]?: ActiveRequest; [ASSIGNED_LOG]?: unknown }
const withLazyLog = new WeakSet<object>()

/**
 * Express's `req.log`, made on first read: most handlers never log through
 * it, and a child logger per request is most of what request logging costs
 * besides the line. The accessor lives on the request's prototype (Express's
 * `app.request`, shared by the app's requests), set up once; per request
 * only the active request is stored. Assigning `req.log` still works.
 */
export function exposeRequestLog(req: object, request: ActiveRequest): void {
  ;(req as Exposed)[ACTIVE] = request
  const proto = Object.getPrototypeOf(req) as object | null
  if (proto !== null && !withLazyLog.has(proto)) {
    withLazyLog.add(proto)
    Object.defineProperty(proto, 'log', {
      configurable: true,
      get(this: Exposed) {
        return this[ASSIGNED_LOG] ?? this[ACTIVE]?.log
      },
      set(this: Exposed, value: unknown) {
        this[ASSIGNED_LOG] = value
      },
    })
  }
}

/** Warns once per logger that a foreign logger gets no redaction and no request id on root lines. */
const warned = new WeakSet<object>()
export function checkLogger(log: Logger): void {
  if (isKitLogger(log) || warned.has(log)) return
  warned.add(log)
  log.warn(
    'the logger given to @kit/logger was not made by createLogger(): its lines are not redacted, and only req.log lines carry the request id',
  )
}
