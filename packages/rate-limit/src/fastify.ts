import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { type KitRateLimitOptions, kitRateLimitPlugin } from './fastify/plugin.ts'

export type { KitRateLimitOptions } from './fastify/plugin.ts'
export { rateLimitHook } from './fastify/plugin.ts'

/**
 * Fastify adapter: `await app.register(kitRateLimit, { limits })` before the
 * routes. Routes pick another tier with `config: { kitRateLimit: 'auth' }`,
 * or none with `config: { kitRateLimit: false }`; `config.rateLimit` stays
 * @fastify/rate-limit's.
 */
export const kitRateLimit: FastifyPluginAsync<KitRateLimitOptions> = fp(kitRateLimitPlugin, {
  fastify: '5.x',
  name: '@kit/rate-limit',
})
