import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { internalsOf } from './internals.ts'
import type { Metrics } from './metrics.ts'

export interface KitMetricsFastifyOptions {
  metrics: Metrics
  /** Start the metrics when Fastify is ready and close them with it. @default true */
  lifecycle?: boolean
}

/** An onRequest hook in callback form, as kit's pipeline chains its steps. */
export type MetricsHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
) => void

/**
 * The onRequest hook alone: answers the endpoint before any route (like the
 * health routes), else starts measuring the request under its route
 * template (`request.routeOptions.url`; 404s share one series). For
 * pipelines that chain their onRequest steps into one hook; starting and
 * closing the metrics is then the caller's (kit.listen() and the shutdown).
 * Undefined when metrics are off: nothing to run per request.
 */
export function metricsHook(metrics: Metrics): MetricsHook | undefined {
  const internals = internalsOf(metrics, 'metricsHook(metrics)')
  if (!internals.enabled) return undefined
  const { tracker, endpoint, servesOnApp } = internals
  return function kitMetrics(request, reply, done) {
    const raw = request.raw
    if (servesOnApp && endpoint.matches(raw)) {
      endpoint.respond(raw).then((response) => {
        reply.code(response.status).headers(response.headers).send(response.body)
      }, done)
      return
    }
    tracker.startFastify(raw, reply.raw, request.routeOptions.url, request, reply)
    done()
  }
}

/**
 * One onRequest hook (metricsHook()), and the metrics started when Fastify
 * is ready and closed with it. Register it right after the logger plugin.
 */
const plugin: FastifyPluginAsync<KitMetricsFastifyOptions> = async (fastify, options) => {
  const metrics = options?.metrics
  const internals = internalsOf(metrics, 'fastify.register(kitMetrics, { metrics })')
  if (!internals.enabled) return
  fastify.addHook('onRequest', metricsHook(metrics)!)
  if (options.lifecycle !== false) {
    fastify.addHook('onReady', () => internals.start())
    fastify.addHook('onClose', () => internals.close())
  }
}

export const kitMetrics: FastifyPluginAsync<KitMetricsFastifyOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/metrics',
})
