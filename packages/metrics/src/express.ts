import type { IncomingMessage, ServerResponse } from 'node:http'
import { internalsOf } from './internals.ts'
import type { Metrics } from './metrics.ts'

type Next = (error?: unknown) => void
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void

/**
 * Records every request that reaches it (duration, route template, status
 * class, in flight). Mount it first, right after request logging, so that
 * refusals by later middleware (rate limits, CSRF) are counted too.
 */
export function metricsMiddleware(metrics: Metrics): Middleware {
  const internals = internalsOf(metrics, 'metricsMiddleware()')
  if (!internals.enabled)
    return function kitMetricsDisabled(_req, _res, next) {
      next()
    }
  const tracker = internals.tracker
  return function kitMetrics(req, res, next) {
    tracker.startExpress(req, res)
    next()
  }
}

/** Answers the Prometheus endpoint (token or private network); mount it with the health routes. */
export function metricsRoute(metrics: Metrics): Middleware {
  const internals = internalsOf(metrics, 'metricsRoute()')
  const endpoint = internals.endpoint
  if (!internals.servesOnApp)
    return function kitMetricsRouteOff(_req, _res, next) {
      next()
    }
  return function kitMetricsRoute(req, res, next) {
    if (!endpoint.matches(req)) return next()
    endpoint.handle(req, res).catch(next)
  }
}
