import { KitError } from '@kit/internal'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { FAIL_CLOSED_RETRY_AFTER } from '../core/constants.ts'
import { sendRefusal } from '../core/response.ts'
import type { Tier } from '../core/tier.ts'
import { forwardedForWarner, warnPermissiveTrustProxy } from '../core/trust-proxy-checks.ts'
import type { RateLimits } from '../rate-limits.ts'
import { ExpressTierLimiter, useClientAddress } from './tier-limiter.ts'

const limitersByLimits = new WeakMap<RateLimits, Map<Tier, ExpressTierLimiter>>()

function assertLimits(limits: unknown, factory: string): asserts limits is RateLimits {
  if (
    limits !== null &&
    typeof limits === 'object' &&
    typeof (limits as RateLimits).tierForPath === 'function'
  )
    return
  const looksLikeRequest =
    limits !== null && typeof limits === 'object' && 'headers' in limits && 'method' in limits
  throw new KitError(
    looksLikeRequest ? 'KIT_RATE_LIMIT_NOT_CALLED' : 'KIT_RATE_LIMIT_INVALID_OPTION',
    looksLikeRequest
      ? `\`${factory}\` was passed to app.use() without being called. Use \`app.use(${factory}(createRateLimits(options)))\`.`
      : `\`${factory}()\` expects the result of createRateLimits(); got ${limits === null ? 'null' : typeof limits}.`,
  )
}

/** One express-rate-limit instance per tier, created together at start-up (never inside a request). */
function limitersOf(limits: RateLimits): Map<Tier, ExpressTierLimiter> {
  let limiters = limitersByLimits.get(limits)
  if (limiters === undefined) {
    limiters = new Map()
    for (const name of limits.config.tiers.keys()) {
      const tier = limits.tier(name)
      limiters.set(tier, new ExpressTierLimiter(tier))
    }
    limitersByLimits.set(limits, limiters)
  }
  return limiters
}

/**
 * Express's `trust proxy` is known only once a request arrives (the app is
 * req.app): the first request reports a permissive setting, and the first
 * X-Forwarded-For that no trusted proxy vouches for gets one warning.
 */
function trustProxyChecks(limits: RateLimits): (req: Request) => void {
  let warnForwardedFor: ((headers: Record<string, unknown>) => void) | undefined | null = null
  return (req) => {
    if (warnForwardedFor === null) {
      const setting = typeof req.app?.get === 'function' ? req.app.get('trust proxy') : undefined
      warnPermissiveTrustProxy(setting, limits.log, "Express 'trust proxy'")
      warnForwardedFor = forwardedForWarner(setting, limits.log, "Express 'trust proxy'")
    }
    if (warnForwardedFor !== undefined) warnForwardedFor(req.headers)
  }
}

function passThrough(name: string): RequestHandler {
  const handler = (_req: Request, _res: Response, next: NextFunction): void => next()
  Object.defineProperty(handler, 'name', { value: name })
  return handler
}

/**
 * The pipeline limiter: each request counts against the tier of its path
 * (`routes`, else `global`). Mount it once, after CSRF and before the body
 * parsers (DESIGN §6).
 */
export function rateLimits(limits: RateLimits): RequestHandler {
  assertLimits(limits, 'rateLimits')
  if (!limits.enabled) return passThrough('rateLimitMiddleware')
  const limiters = limitersOf(limits)
  const skip = limits.skip
  const checkProxy = trustProxyChecks(limits)
  return function rateLimitMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (skip?.(req)) {
      next()
      return
    }
    checkProxy(req)
    limiters.get(limits.tierForPath(req.originalUrl))!.run(req, res, next)
  }
}

/**
 * A route's own tier, on top of the tier its path maps to (a tier counts once
 * per request): `app.post('/login', limit(limits, 'auth'), handler)`.
 * An unknown tier throws here, at start-up.
 */
export function limit(limits: RateLimits, tierName: string): RequestHandler {
  assertLimits(limits, 'limit')
  const tier = limits.tier(tierName, `limit('${tierName}')`)
  if (!limits.enabled) return passThrough('routeRateLimitMiddleware')
  const limiter = limitersOf(limits).get(tier)!
  const skip = limits.skip
  return function routeRateLimitMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (skip?.(req)) {
      next()
      return
    }
    limiter.run(req, res, next)
  }
}

/**
 * The failed-login limiter. It reads the account from the parsed body, so
 * mount it after the body parsers; it acts only on `bruteForce.paths`.
 */
export function bruteForce(limits: RateLimits): RequestHandler {
  assertLimits(limits, 'bruteForce')
  const guard = limits.bruteForce
  if (!limits.enabled || guard === undefined) return passThrough('bruteForceMiddleware')
  const skip = limits.skip
  return function bruteForceMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (!guard.applies(req.method, req.originalUrl) || skip?.(req)) {
      next()
      return
    }
    useClientAddress(req)
    const attempt = guard.attempt(limits.ipKey(req.ip), req)
    guard
      .begin(attempt)
      .then(
        (verdict) => {
          if (verdict.blocked) return sendRefusal(req, res, 429, verdict.retryAfter)
          res.once('finish', () => {
            guard.end(attempt, res.statusCode).catch(() => {})
          })
          next()
        },
        () => (guard.failClosed ? sendRefusal(req, res, 503, FAIL_CLOSED_RETRY_AFTER) : next()),
      )
      .catch(next)
  }
}
