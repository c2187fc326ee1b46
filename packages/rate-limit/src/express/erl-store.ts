import type { IncrementResponse, Store } from 'express-rate-limit'
import type { Tier } from '../core/tier.ts'

/**
 * express-rate-limit's Store contract over one tier of our store: the tier
 * brings its key prefix, the timeout bound and outage reporting. One object
 * per limiter, as express-rate-limit requires.
 */
export class ErlTierStore implements Store {
  /** Read by express-rate-limit's double-count check. */
  readonly prefix: string
  readonly localKeys: boolean
  readonly #tier: Tier

  constructor(tier: Tier, shared: boolean) {
    this.#tier = tier
    this.prefix = tier.keyPrefix
    this.localKeys = !shared
  }

  increment(key: string): IncrementResponse | Promise<IncrementResponse> {
    const counter = this.#tier.hit(key)
    if (!(counter instanceof Promise))
      return { totalHits: counter.hits, resetTime: new Date(counter.resetAt) }
    return counter.then((c) => ({ totalHits: c.hits, resetTime: new Date(c.resetAt) }))
  }

  decrement(key: string): void | Promise<void> {
    return this.#tier.decrement(key)
  }

  resetKey(key: string): void | Promise<void> {
    return this.#tier.reset(key)
  }
}
