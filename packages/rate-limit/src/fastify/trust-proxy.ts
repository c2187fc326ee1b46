import type { KitLogger } from '@kit/internal'
import type { FastifyInstance } from 'fastify'
import { UNKNOWN, warnPermissiveTrustProxy } from '../core/trust-proxy-checks.ts'

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

/** Trust-proxy settings under which IP keys are wrong on Fastify, reported once at start-up. */
export function checkTrustProxy(trustProxy: unknown, log: KitLogger): void {
  warnPermissiveTrustProxy(trustProxy, log, 'Fastify trustProxy')
  if (typeof trustProxy === 'number') {
    log.warn(
      { code: 'KIT_RATE_LIMIT_NUMERIC_TRUST_PROXY' },
      `Fastify trustProxy is a hop count (${trustProxy}), which Fastify >= 5.12.1 ignores: it trusts nobody, so behind a proxy every client shares the proxy's rate-limit bucket. Use a CIDR list or a function.`,
    )
  }
}
