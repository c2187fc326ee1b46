import { KitError, type KitLogger } from '@kit/internal'
import type { FastifyInstance, RouteOptions } from 'fastify'

/**
 * `config.rateLimit` belongs to @fastify/rate-limit (`{ max, timeWindow }`,
 * or false). Kit leaves it alone. Two cases get a word:
 * - kit's old route option there (a tier name, `{ tier }`): refused with the
 *   new key, since the route would otherwise silently lose its tier;
 * - any other value while @fastify/rate-limit is not registered: one warning
 *   once the app is ready, listing the routes, as it limits nothing.
 */
export function foreignRouteConfigCheck(
  fastify: FastifyInstance,
  log: KitLogger,
): (route: RouteOptions) => void {
  const unused: string[] = []
  fastify.addHook('onReady', async () => {
    if (unused.length === 0 || fastify.hasPlugin('@fastify/rate-limit')) return
    log.warn(
      { code: 'KIT_RATE_LIMIT_FOREIGN_ROUTE_CONFIG', routes: unused },
      `Route \`config.rateLimit\` has no effect on ${unused.join(', ')}: it is @fastify/rate-limit's option, and @fastify/rate-limit is not registered. To choose the route's kit tier (or exempt it), use \`config: { kitRateLimit: 'tier' }\` (or \`false\`).`,
    )
  })
  return (route) => {
    const value = (route.config as { rateLimit?: unknown } | undefined)?.rateLimit
    if (value === undefined) return
    const where = `${String(route.method)} ${route.url}`
    const tier =
      typeof value === 'string'
        ? value
        : value !== null &&
            typeof value === 'object' &&
            typeof (value as { tier?: unknown }).tier === 'string'
          ? (value as { tier: string }).tier
          : undefined
    if (tier !== undefined) {
      throw new KitError(
        'KIT_RATE_LIMIT_ROUTE_CONFIG_MOVED',
        `\`config.rateLimit: ${JSON.stringify(typeof value === 'string' ? value : { tier })}\` on ${where} is kit's old route option. It moved to \`config: { kitRateLimit: ${JSON.stringify(tier)} }\`, so that \`config.rateLimit\` keeps @fastify/rate-limit's meaning.`,
      )
    }
    // Fastify adds a HEAD route beside each GET, with the same config: list the GET alone.
    if (route.method !== 'HEAD') unused.push(where)
  }
}
