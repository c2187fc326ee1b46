import { EXPRESS_FACTS, requestFacts } from '@kit/internal'
import type { NextFunction, Request, Response } from 'express'
import { type RateLimitInfo, type RateLimitRequestHandler, rateLimit } from 'express-rate-limit'
import { FAIL_CLOSED_RETRY_AFTER } from '../core/constants.ts'
import { secondsUntil } from '../core/headers.ts'
import { sendRefusal } from '../core/response.ts'
import type { Tier } from '../core/tier.ts'
import type { RateLimits } from '../rate-limits.ts'
import { StoreUnavailableError } from '../stores/redis.ts'
import { erlLogger } from './erl-logger.ts'
import { ErlTierStore } from './erl-store.ts'

const kCounted = Symbol('kit.rateLimit.counted')
type CountedRequest = Request & { [kCounted]?: Tier | Tier[]; rateLimit?: RateLimitInfo }

/** Marks `tier` as counted for this request; false if it already was (a tier counts once per request). */
function markCounted(req: CountedRequest, tier: Tier): boolean {
  const counted = req[kCounted]
  if (counted === undefined) {
    req[kCounted] = tier
    return true
  }
  if (counted === tier || (Array.isArray(counted) && counted.includes(tier))) return false
  req[kCounted] = Array.isArray(counted) ? [...counted, tier] : [counted, tier]
  return true
}

// Kept apart from keyOf so that express-rate-limit's source check of the key
// generator (it looks for a bare request IP without its IPv6 helper) sees none.
const ipOf = (request: Request): string | undefined => request.ip

/**
 * Puts the normalised client address (@kit/internal clientAddress: one
 * client, one spelling) in `req.ip`, so express-rate-limit's own key
 * generator, with its trust-proxy checks, keys by it, and so does the app.
 */
export function useClientAddress(request: Request): void {
  const address = requestFacts(request, request, EXPRESS_FACTS).clientAddress
  // An own `ip` is the one set below (or by the app): reading the prototype's getter would run proxy-addr again.
  if (!Object.hasOwn(request, 'ip') || request.ip !== address) {
    Object.defineProperty(request, 'ip', {
      value: address,
      configurable: true,
      enumerable: true,
      writable: true,
    })
  }
}

/**
 * One tier on Express: an express-rate-limit instance (its key generator and
 * trust-proxy validations, its store contract) whose headers and refusals
 * are ours, so both frameworks answer alike.
 */
export class ExpressTierLimiter {
  readonly tier: Tier
  readonly #erl: RateLimitRequestHandler

  constructor(limits: RateLimits, tier: Tier) {
    this.tier = tier
    const keyOf = (request: Request): string => limits.clientKey(request, ipOf(request))
    this.#erl = rateLimit({
      windowMs: tier.windowMs,
      limit: tier.limit,
      standardHeaders: false,
      legacyHeaders: false,
      store: new ErlTierStore(tier, limits.store.shared),
      // Without keyBy, express-rate-limit's own key generator runs, with its trust-proxy checks.
      ...(limits.config.keyBy ? { keyGenerator: keyOf } : { ipv6Subnet: limits.config.ipv6Subnet }),
      passOnStoreError: false,
      logger: erlLogger(limits.log),
      handler: (request: CountedRequest, response: Response) => {
        const now = Date.now()
        const resetAt = request.rateLimit?.resetTime?.getTime() ?? now + tier.windowMs
        tier.headers.write(response, 0, resetAt, now)
        sendRefusal(request, response, 429, Math.max(1, secondsUntil(resetAt, now)))
      },
    })
  }

  run(req: Request, res: Response, next: NextFunction): void {
    if (!markCounted(req, this.tier)) {
      next()
      return
    }
    const tier = this.tier
    useClientAddress(req)
    this.#erl(req, res, (error?: unknown) => {
      if (error === undefined || error === null) {
        const info = (req as CountedRequest).rateLimit
        if (info !== undefined) {
          const now = Date.now()
          tier.headers.write(res, info.remaining, info.resetTime?.getTime() ?? now + tier.windowMs, now)
        }
        return next()
      }
      if (error instanceof StoreUnavailableError) {
        // The guard already logged (once per interval); here only the verdict.
        return tier.failClosed ? sendRefusal(req, res, 503, FAIL_CLOSED_RETRY_AFTER) : next()
      }
      next(error)
    })
  }
}
