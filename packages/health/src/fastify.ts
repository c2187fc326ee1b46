import { KitError } from '@kit/internal'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Health } from './health.ts'
import type { HealthResponse } from './report.ts'

export interface KitHealthFastifyOptions {
  health: Health
  /** Add the load-shedding hook after the health one. @default true */
  loadShedding?: boolean
}

/**
 * onRequest hooks, in registration order: health endpoints (answered before
 * any route, in any case, with a query string), then load shedding. Register
 * it right after the logger plugin.
 */
const plugin: FastifyPluginAsync<KitHealthFastifyOptions> = async (fastify, options) => {
  const health = options?.health
  if (!health || typeof health.respond !== 'function') {
    throw new KitError(
      'KIT_HEALTH_MIDDLEWARE_NOT_CALLED',
      'kitHealth needs the instance createHealth() returned: fastify.register(kitHealth, { health }).',
    )
  }
  fastify.addHook('onRequest', healthRoutesHook(health))
  if (options.loadShedding !== false) fastify.addHook('onRequest', loadSheddingHook(health))
}

type OnRequestHook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/**
 * The health endpoints as an onRequest hook (answered before any route, in
 * any case, with a query string). Callback style: requests that are not for
 * health pay no promise. @kit/core chains it with its other steps.
 */
export function healthRoutesHook(health: Health): OnRequestHook {
  return function kitHealthRoutes(request, reply, done) {
    const response = health.respond(request.raw)
    if (!response) return done()
    response.then((r) => send(reply, r), done)
  }
}

/** 503 + Retry-After for every non-health request while the process is overloaded. */
export function loadSheddingHook(health: Health): OnRequestHook {
  return function kitLoadShedding(request, reply, done) {
    if (health.shouldShed(request.raw)) {
      const id = reply.getHeader('x-request-id')
      send(reply, health.shedResponse(request.raw, typeof id === 'string' ? id : String(request.id)))
    } else done()
  }
}

function send(reply: FastifyReply, response: HealthResponse): FastifyReply {
  return reply.code(response.statusCode).headers(response.headers).send(response.body)
}

export const kitHealth: FastifyPluginAsync<KitHealthFastifyOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/health',
})
