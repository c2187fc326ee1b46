import { EXPRESS_FACTS, requestFacts } from '@kit/internal'
import type { NextFunction, Request, Response } from 'express'
import { runTier } from '../core/run-tier.ts'
import type { Tier } from '../core/tier.ts'
import { EXPRESS_IO } from './io.ts'

const kCounted = Symbol('kit.rateLimit.counted')
type CountedRequest = Request & { [kCounted]?: Tier | Tier[] }

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

/**
 * Puts the normalised client address (@kit/internal clientAddress: one
 * client, one spelling) in `req.ip`, so the limiter keys by it, and so do
 * the app and an express-rate-limit `keyGenerator`.
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

/** One tier on Express: kit's limiter itself (one pass, no express-rate-limit underneath). */
export class ExpressTierLimiter {
  readonly tier: Tier

  constructor(tier: Tier) {
    this.tier = tier
  }

  run(req: Request, res: Response, next: NextFunction): void {
    if (!markCounted(req, this.tier)) {
      next()
      return
    }
    useClientAddress(req)
    runTier(this.tier, EXPRESS_IO, req, res, next)
  }
}
