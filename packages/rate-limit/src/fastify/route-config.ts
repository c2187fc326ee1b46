import type { RouteRateLimit } from '../options.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * @kit/rate-limit: this route's tier (instead of the one its path maps
     * to), `{ tier }` likewise, or `false` to exempt the route. Kit's own key:
     * `config.rateLimit` keeps @fastify/rate-limit's meaning.
     */
    kitRateLimit?: RouteRateLimit
  }
}
