import { StoreUnavailableError } from '../stores/redis.ts'
import { FAIL_CLOSED_RETRY_AFTER } from './constants.ts'
import type { HeaderAccess } from './headers.ts'
import { secondsUntil } from './headers.ts'
import type { Tier } from './tier.ts'

/**
 * What one framework does for a limiter: one constant object per framework
 * (Express, Fastify), so a request allocates no adapter.
 */
export interface FrameworkIO<Req, Res> extends HeaderAccess<Res> {
  /** The normalised client address. */
  address(req: Req): string | undefined
  /** kit's refusal: negotiated error body, Retry-After, no-store. */
  refuse(req: Req, res: Res, status: number, retryAfter: number): void
  /** express-rate-limit's `message`: the framework's own send (string as is, object as JSON). */
  send(res: Res, status: number, body: unknown): void
  /** Calls `done(statusCode, finished)` once the response is over (false when the connection closed first). */
  afterResponse(req: Req, res: Res, done: (statusCode: number, finished: boolean) => void): void
}

/** What a limiter reports to the framework: pass on (optionally with an error), or nothing (it answered). */
export type Next = (error?: unknown) => void

const RATE_LIMIT_INFO = 'rateLimit'

/**
 * One tier for one request, the same on both frameworks: skip → key →
 * count (one store call) → headers → refuse or pass. Synchronous from end
 * to end when the store and the user's functions are (the memory store), so
 * the common path allocates no promise.
 */
export function runTier<Req, Res>(
  tier: Tier,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  next: Next,
): void {
  const skip = tier.skip
  if (skip === undefined) {
    keyStep(tier, io, req, res, next)
    return
  }
  let skipped: boolean | Promise<boolean>
  try {
    skipped = skip(req, res)
  } catch (error) {
    next(error)
    return
  }
  if (skipped instanceof Promise) {
    skipped.then((value) => (value ? next() : keyStep(tier, io, req, res, next)), next)
    return
  }
  if (skipped) {
    next()
    return
  }
  keyStep(tier, io, req, res, next)
}

function keyStep<Req, Res>(tier: Tier, io: FrameworkIO<Req, Res>, req: Req, res: Res, next: Next): void {
  let key: string | Promise<string>
  try {
    key = tier.keyOf(req, res, io.address(req))
  } catch (error) {
    next(error)
    return
  }
  if (typeof key === 'string') {
    countStep(tier, io, req, res, next, key)
    return
  }
  Promise.resolve(key).then((value) => countStep(tier, io, req, res, next, String(value)), next)
}

function countStep<Req, Res>(
  tier: Tier,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  next: Next,
  key: string,
): void {
  let counter: ReturnType<Tier['hitUnbounded']>
  try {
    counter = tier.hitUnbounded(key)
  } catch (error) {
    storeFailed(tier, io, req, res, next, error)
    return
  }
  if (counter instanceof Promise) {
    tier.track(
      counter,
      (c) => decide(tier, io, req, res, next, key, c.hits, c.resetAt),
      (error) => storeFailed(tier, io, req, res, next, error),
    )
    return
  }
  decide(tier, io, req, res, next, key, counter.hits, counter.resetAt)
}

function storeFailed<Req, Res>(
  tier: Tier,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  next: Next,
  error: unknown,
): void {
  // The guard already logged (once per interval); only the verdict is left.
  if (!(error instanceof StoreUnavailableError)) {
    next(error)
    return
  }
  if (tier.failClosed) io.refuse(req, res, 503, FAIL_CLOSED_RETRY_AFTER)
  else next()
}

function decide<Req, Res>(
  tier: Tier,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  next: Next,
  key: string,
  hits: number,
  resetAt: number,
): void {
  const now = Date.now()
  const limit = tier.limit
  tier.headers.write(res, io, hits >= limit ? 0 : limit - hits, resetAt, now)
  if (hits > limit) {
    refuse(tier, io, req, res, next, key, hits, resetAt, now)
    return
  }
  if (tier.givesHitsBack) giveBackLater(tier, io, req, res, key)
  next()
}

function refuse<Req, Res>(
  tier: Tier,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  next: Next,
  key: string,
  hits: number,
  resetAt: number,
  now: number,
): void {
  const retryAfter = Math.max(1, secondsUntil(resetAt, now))
  const { handler, message } = tier
  if (handler === undefined && message === undefined) {
    io.refuse(req, res, tier.statusCode, retryAfter)
    return
  }
  // express-rate-limit's request.rateLimit, for the app's handler or message function.
  const info = {
    limit: tier.limit,
    used: hits,
    remaining: 0,
    resetTime: new Date(resetAt),
    key,
  }
  ;(req as Record<string, unknown>)[RATE_LIMIT_INFO] = info
  io.set(res, 'retry-after', String(retryAfter))
  try {
    if (handler !== undefined) {
      const answered = handler(req, res, next, tier.erlOptions)
      if (answered instanceof Promise) answered.catch(next)
      return
    }
    const body = typeof message === 'function' ? message(req, res) : message
    if (body instanceof Promise) {
      body.then((value) => io.send(res, tier.statusCode, value), next)
      return
    }
    io.send(res, tier.statusCode, body)
  } catch (error) {
    next(error)
  }
}

/** skipSuccessfulRequests / skipFailedRequests: once the response is known, the hit is given back or kept. */
function giveBackLater<Req, Res>(
  tier: Tier,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  key: string,
): void {
  const { skipSuccessfulRequests, skipFailedRequests, requestWasSuccessful } = tier.config
  io.afterResponse(req, res, (statusCode, finished) => {
    const giveBack = (success: boolean) => {
      if (success ? skipSuccessfulRequests : skipFailedRequests) {
        Promise.resolve(tier.decrement(key)).catch(() => {})
      }
    }
    if (!finished || requestWasSuccessful === undefined) {
      giveBack(finished && statusCode < 400)
      return
    }
    Promise.resolve()
      .then(() => requestWasSuccessful(req, res))
      .then(giveBack, () => {})
  })
}
