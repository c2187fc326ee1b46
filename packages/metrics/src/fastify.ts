import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { internalsOf } from './internals.ts'
import type { Metrics } from './metrics.ts'

export interface KitMetricsFastifyOptions {
  metrics: Metrics
  /** Start the metrics when Fastify is ready and close them with it. @default true */
  lifecycle?: boolean
}

/**
 * One onRequest hook: answers the endpoint before any route (like the health
 * routes), else starts measuring the request under its route template
 * (`request.routeOptions.url`; 404s share one series). Register it right
 * after the logger plugin.
 */
const plugin: FastifyPluginAsync<KitMetricsFastifyOptions> = async (fastify, options) => {
  const metrics = options?.metrics
  const internals = internalsOf(metrics, 'fastify.register(kitMetrics, { metrics })')
  if (!internals.enabled) return
  const { tracker, endpoint, servesOnApp } = internals
  fastify.addHook('onRequest', function kitMetrics(request, reply, done) {
    const raw = request.raw
    if (servesOnApp && endpoint.matches(raw)) {
      endpoint.respond(raw).then((response) => {
        reply.code(response.status).headers(response.headers).send(response.body)
      }, done)
      return
    }
    tracker.startFastify(raw, reply.raw, request.routeOptions.url, request, reply)
    done()
  })
  if (options.lifecycle !== false) {
    fastify.addHook('onReady', () => internals.start())
    fastify.addHook('onClose', () => internals.close())
  }
}

export const kitMetrics: FastifyPluginAsync<KitMetricsFastifyOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/metrics',
})
