import { IncomingMessage } from 'node:http'
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

/** Reads the active request's logger (made on first read) unless `req.log` was assigned. */
const LAZY_LOG: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: Exposed) {
    return this[ASSIGNED_LOG] ?? this[ACTIVE]?.log
  },
  set(this: Exposed, value: unknown) {
    this[ASSIGNED_LOG] = value
  },
}

/** Request prototypes already seen: true when `log` is served from one of their ancestors. */
const servedByPrototype = new WeakMap<object, boolean>()

/**
 * Express's `req.log`, made on first read: most handlers never log through
 * it, and a child logger per request is most of what request logging costs
 * besides the line. The accessor is installed once on Express's own request
 * prototype (express/lib/request.js, the ancestor of every app's and mounted
 * sub-app's `app.request`, so it survives Express switching a request's
 * prototype between apps); per request only the active request is stored.
 * A request that is not Express's gets the accessor on itself. Assigning
 * `req.log` still works.
 */
export function exposeRequestLog(req: object, request: ActiveRequest): void {
  ;(req as Exposed)[ACTIVE] = request
  const proto = Object.getPrototypeOf(req) as object | null
  if (proto === null) return
  // One app: every request has the same prototype, and no WeakMap lookup is needed.
  if (proto === lastServedProto) return
  let served = servedByPrototype.get(proto)
  if (served === undefined) {
    served = installOnFrameworkPrototype(proto)
    servedByPrototype.set(proto, served)
  }
  if (served) lastServedProto = proto
  else Object.defineProperty(req, 'log', LAZY_LOG)
}

/** The prototype of the last request whose `log` its prototype serves (a strong reference to one object). */
let lastServedProto: object | undefined

/** The accessor on the ancestor just above IncomingMessage.prototype; false when there is none (plain node:http). */
function installOnFrameworkPrototype(proto: object): boolean {
  let base: object | null = proto
  while (base !== null && Object.getPrototypeOf(base) !== IncomingMessage.prototype) {
    base = Object.getPrototypeOf(base) as object | null
  }
  if (base === null) return false
  const own = Object.getOwnPropertyDescriptor(base, 'log')
  if (own === undefined) Object.defineProperty(base, 'log', LAZY_LOG)
  return own === undefined || own.get === LAZY_LOG.get
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
