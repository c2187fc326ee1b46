import type { KitLogger } from '@kit/internal'
import type { FastifyInstance } from 'fastify'

/** Returned when the trustProxy setting cannot be found: no check is made then. */
export const UNKNOWN: unique symbol = Symbol('unknown trustProxy')

/**
 * Fastify keeps its constructor options under a private symbol (trustProxy
 * is not in `initialConfig`); read the setting from there when core did not
 * pass it.
 */
export function fastifyTrustProxy(fastify: FastifyInstance): unknown {
  const symbol = Object.getOwnPropertySymbols(fastify).find((s) => s.description === 'fastify.options')
  const options = symbol === undefined ? undefined : (fastify as unknown as Record<symbol, unknown>)[symbol]
  return options !== null && typeof options === 'object'
    ? (options as { trustProxy?: unknown }).trustProxy
    : UNKNOWN
}

/**
 * The Fastify counterpart of express-rate-limit's trust-proxy validations:
 * settings under which IP keys are wrong are reported once, at start-up.
 */
export function checkTrustProxy(trustProxy: unknown, log: KitLogger): void {
  if (trustProxy === true) {
    log.warn(
      { code: 'KIT_RATE_LIMIT_PERMISSIVE_TRUST_PROXY' },
      'Fastify trustProxy is true: any client can pick its IP with X-Forwarded-For and bypass IP rate limits. Trust only your proxy: a CIDR list (TRUST_PROXY=10.0.0.0/8) or a function.',
    )
  } else if (typeof trustProxy === 'number') {
    log.warn(
      { code: 'KIT_RATE_LIMIT_NUMERIC_TRUST_PROXY' },
      `Fastify trustProxy is a hop count (${trustProxy}), which Fastify >= 5.12.1 ignores: it trusts nobody, so behind a proxy every client shares the proxy's rate-limit bucket. Use a CIDR list or a function.`,
    )
  }
}

/** The first request that carries X-Forwarded-For while trustProxy is off gets one warning. */
export function forwardedForWarner(
  trustProxy: unknown,
  log: KitLogger,
): ((headers: Record<string, unknown>) => void) | undefined {
  if (trustProxy === UNKNOWN || (trustProxy !== undefined && trustProxy !== false)) return undefined
  let warned = false
  return (headers) => {
    if (warned || headers['x-forwarded-for'] === undefined) return
    warned = true
    log.warn(
      { code: 'KIT_RATE_LIMIT_UNTRUSTED_FORWARDED_FOR' },
      "A request carried X-Forwarded-For but Fastify's trustProxy is off, so it was ignored. Behind a proxy (Heroku, a load balancer), every client then shares one bucket: set TRUST_PROXY to the proxy's addresses.",
    )
  }
}
