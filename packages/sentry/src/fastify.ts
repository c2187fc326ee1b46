import type { FastifyPluginCallback } from 'fastify'
import fp from 'fastify-plugin'
import { captureRequestError, errorStatusCode } from './capture.ts'

/**
 * Fastify plugin: an onError hook that sends 5xx errors to Sentry tagged
 * with `request.id` (never 4xx). It only observes: the app's error handler
 * still answers. Needed because the SDK's setupFastifyErrorHandler is a
 * no-op in v11 and kit turns the SDK's own capture off (it lacks the id).
 */
const plugin: FastifyPluginCallback = (fastify, _options, done) => {
  fastify.addHook('onError', (request, reply, error, hookDone) => {
    captureRequestError(error, {
      requestId: request.id,
      statusCode: errorStatusCode(error, reply.statusCode),
      source: 'fastify',
      request: {
        method: request.raw.method,
        url: request.raw.url,
        headers: request.raw.headers,
        body: request.body,
        socket: request.raw.socket,
      },
    })
    hookDone()
  })
  done()
}

export const sentryFastify: FastifyPluginCallback = fp(plugin, { fastify: '5.x', name: '@kit/sentry' })
