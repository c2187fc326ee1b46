import type { KitLogger } from '@kit/internal'

/** Returned when the trust-proxy setting cannot be found: no check is made then. */
export const UNKNOWN: unique symbol = Symbol('unknown trustProxy')

/**
 * Settings under which IP keys are wrong, reported once (kit's own form of
 * express-rate-limit's trust-proxy validations, on both frameworks).
 */
export function warnPermissiveTrustProxy(trustProxy: unknown, log: KitLogger, setting: string): void {
  if (trustProxy !== true) return
  log.warn(
    { code: 'KIT_RATE_LIMIT_PERMISSIVE_TRUST_PROXY' },
    `${setting} is true: any client can pick its IP with X-Forwarded-For and bypass IP rate limits. Trust only your proxy: a CIDR list (TRUST_PROXY=10.0.0.0/8) or a function.`,
  )
}

/** The first request that carries X-Forwarded-For while no proxy is trusted gets one warning. */
export function forwardedForWarner(
  trustProxy: unknown,
  log: KitLogger,
  setting: string,
): ((headers: Record<string, unknown>) => void) | undefined {
  if (trustProxy === UNKNOWN || (trustProxy !== undefined && trustProxy !== false)) return undefined
  let warned = false
  return (headers) => {
    if (warned || headers['x-forwarded-for'] === undefined) return
    warned = true
    log.warn(
      { code: 'KIT_RATE_LIMIT_UNTRUSTED_FORWARDED_FOR' },
      `A request carried X-Forwarded-For but ${setting} is off, so it was ignored. Behind a proxy (Heroku, a load balancer), every client then shares one bucket: set TRUST_PROXY to the proxy's addresses.`,
    )
  }
}
