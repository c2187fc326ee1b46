import type { IncomingMessage, ServerResponse } from 'node:http'
import { internalsOf } from './internals.ts'
import type { Metrics } from './metrics.ts'

type Next = (error?: unknown) => void
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void

/**
 * Answers the Prometheus endpoint (token or private network) and records
 * every other request that reaches it (duration, route template, status
 * class, in flight). Mount it first, right after request logging, so that
 * refusals by later middleware (rate limits, CSRF) are counted too. One
 * middleware for both: each Express layer costs every request.
 */
export function metricsMiddleware(metrics: Metrics): Middleware {
  const internals = internalsOf(metrics, 'metricsMiddleware()')
  if (!internals.enabled) return passThrough
  const { tracker, endpoint, servesOnApp } = internals
  return function kitMetrics(req, res, next) {
    if (servesOnApp && endpoint.matches(req)) {
      endpoint.handle(req, res).catch(next)
      return
    }
    tracker.startExpress(req, res)
    next()
  }
}

/**
 * The endpoint alone, for apps that mount it somewhere else than
 * metricsMiddleware (which already answers it).
 */
export function metricsRoute(metrics: Metrics): Middleware {
  const internals = internalsOf(metrics, 'metricsRoute()')
  if (!internals.servesOnApp) return passThrough
  const endpoint = internals.endpoint
  return function kitMetricsRoute(req, res, next) {
    if (!endpoint.matches(req)) return next()
    endpoint.handle(req, res).catch(next)
  }
}

function passThrough(_req: IncomingMessage, _res: ServerResponse, next: Next): void {
  next()
}
