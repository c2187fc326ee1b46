import type { RateLimitHandler } from '../options.ts'
import type { StoreUnavailableError } from '../stores/redis.ts'
import type { Counter, ScopedCounters } from '../stores/types.ts'
import { erlOptionsOf } from './erl-options.ts'
import { TierHeaders } from './headers.ts'
import type { StoreGuard } from './store-guard.ts'
import type { HeaderStyle, TierConfig } from './tier-options.ts'

/** A tier's client key for a request: an IP key, a `user:` key, or express-rate-limit's keyGenerator result. */
export type TierKey = (req: unknown, res: unknown, ip: string | undefined) => string | Promise<string>

/**
 * One named limit at run time: its counters in its store (kit's shared
 * store under its own prefix, or its own express-rate-limit store), its
 * headers built once, its express-rate-limit options, and a hit() bounded
 * and reported by its store's guard (it rejects with StoreUnavailableError
 * when the store cannot answer).
 */
export class Tier {
  readonly name: string
  readonly limit: number
  readonly windowMs: number
  readonly failClosed: boolean
  readonly keyPrefix: string
  readonly headers: TierHeaders
  readonly keyOf: TierKey
  readonly skip: ((req: any, res: any) => boolean | Promise<boolean>) | undefined
  readonly handler: RateLimitHandler | undefined
  readonly message: unknown
  readonly statusCode: number
  /** True when the response decides whether the hit stands (skipSuccessfulRequests/skipFailedRequests). */
  readonly givesHitsBack: boolean
  readonly config: TierConfig
  /** express-rate-limit's `options`, the fourth argument of a `handler`. */
  readonly erlOptions: Record<string, unknown>
  readonly #counters: ScopedCounters
  readonly #guard: StoreGuard

  constructor(
    config: TierConfig,
    keyPrefix: string,
    headers: HeaderStyle,
    counters: ScopedCounters,
    guard: StoreGuard,
    keyOf: TierKey,
  ) {
    this.config = config
    this.name = config.name
    this.limit = config.limit
    this.windowMs = config.windowMs
    this.failClosed = config.failClosed
    this.keyPrefix = keyPrefix
    this.headers = new TierHeaders(config.name, config.limit, config.windowMs, headers)
    this.keyOf = keyOf
    this.skip = config.skip
    this.handler = config.handler
    this.message = config.message
    this.statusCode = config.statusCode
    this.givesHitsBack = config.skipSuccessfulRequests || config.skipFailedRequests
    this.erlOptions = erlOptionsOf(config, headers)
    this.#counters = counters
    this.#guard = guard
  }

  /**
   * Counts one request of `clientKey`. The hot path: no closure, no key
   * string built for the memory store, a synchronous answer passed straight on.
   */
  hit(clientKey: string): Counter | Promise<Counter> {
    const guard = this.#guard
    if (guard.down) return guard.refuseWhileDown()
    let counter: Counter | Promise<Counter>
    try {
      counter = this.#counters.hit(clientKey, this.windowMs)
    } catch (error) {
      // A store that throws (instead of rejecting) is down too: reported and bounded alike.
      return guard.bound(Promise.reject(error))
    }
    return counter instanceof Promise ? guard.bound(counter) : counter
  }

  /**
   * hit() in two steps, for the limiter: the store's own answer (a
   * synchronous counter, or a pending one to hand to track()), so that
   * callbacks are built only when the answer is pending. Throws
   * StoreUnavailableError while the store is known to be down.
   */
  hitUnbounded(clientKey: string): Counter | Promise<Counter> {
    const guard = this.#guard
    if (guard.down) throw guard.downError()
    try {
      return this.#counters.hit(clientKey, this.windowMs)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Bounds a pending answer of hitUnbounded() and calls back (no promise of its own on the way). */
  track(
    pending: Promise<Counter>,
    onCounter: (counter: Counter) => void,
    onFailure: (error: StoreUnavailableError) => void,
  ): void {
    this.#guard.track(pending, onCounter, onFailure)
  }

  decrement(clientKey: string): void | Promise<void> {
    return this.#guard.run(() => this.#counters.decrement(clientKey))
  }

  reset(clientKey: string): void | Promise<void> {
    return this.#guard.run(() => this.#counters.reset(clientKey))
  }
}
