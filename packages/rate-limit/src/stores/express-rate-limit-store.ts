import type { KitLogger } from '@kit/internal'
import type { ExpressRateLimitStore } from '../options.ts'
import type { Counter, RateLimitStore, ScopedCounters } from './types.ts'

/**
 * An express-rate-limit `Store` (rate-limit-redis, @acpr/rate-limit-postgresql,
 * its MemoryStore...) as one tier's kit store. The store was given its
 * window by init(), as express-rate-limit does, and keeps its own `prefix`:
 * keys go to it bare (the client key express-rate-limit would pass), so
 * counters already in a shared store carry over. It serves one tier only
 * (express-rate-limit's rule too), so it has no failed-login counting.
 */
export class ExpressRateLimitStoreAdapter implements RateLimitStore, ScopedCounters {
  readonly name: string
  readonly shared: boolean
  readonly #store: ExpressRateLimitStore
  readonly #options: Record<string, unknown>
  readonly #log: KitLogger
  /** init() failed (its backend was down at boot): the probe runs it again. */
  #initFailed = false

  /** Calls the store's init() with the tier's options, as express-rate-limit does when a limiter is created. */
  constructor(store: ExpressRateLimitStore, tier: string, options: Record<string, unknown>, log: KitLogger) {
    this.#store = store
    this.#options = options
    this.#log = log
    this.shared = store.localKeys !== true
    const constructorName = (store as { constructor?: { name?: unknown } }).constructor?.name
    this.name = `${typeof constructorName === 'string' && constructorName !== 'Object' ? constructorName : 'express-rate-limit store'} (tier ${tier})`
    this.#init().catch(() => {})
  }

  // rate-limit-redis loads its scripts in init() and keeps a failed load forever: a store whose
  // init() failed is initialised again once its backend answers (docs/internals/rate-limit-stores.md).
  async #init(): Promise<void> {
    if (typeof this.#store.init !== 'function') return
    try {
      await this.#store.init(this.#options)
      this.#initFailed = false
    } catch (err) {
      if (!this.#initFailed)
        this.#log.error(
          { err, store: this.name },
          `The rate-limit store ${this.name} failed to start (init()); requests pass unlimited until it answers.`,
        )
      this.#initFailed = true
      throw err
    }
  }

  /** The store's own prefix keeps tiers apart: kit adds none. */
  scope(): ScopedCounters {
    return this
  }

  hit(key: string, windowMs: number): Counter | Promise<Counter> {
    const answer = this.#store.increment(key)
    if (answer instanceof Promise) return answer.then((info) => toCounter(info, windowMs))
    return toCounter(answer, windowMs)
  }

  countAttempt(): never {
    throw new Error('An express-rate-limit store serves one tier; failed logins count in the main store.')
  }

  decrement(key: string | readonly string[]): void | Promise<void> {
    if (typeof key === 'string') return this.#store.decrement(key)
    return Promise.all(key.map((k) => this.#store.decrement(k))).then(() => undefined)
  }

  reset(key: string): void | Promise<void> {
    return this.#store.resetKey(key)
  }

  /** While the store is down: get() when it has one (reads, counts nothing), else an increment of a probe key. */
  async ping(): Promise<unknown> {
    if (this.#initFailed) await this.#init()
    const store = this.#store
    return typeof store.get === 'function' ? store.get('kit:probe') : store.increment('kit:probe')
  }

  /** The store belongs to the app (its client or pool too): nothing to close here. */
  close(): void {}
}

function toCounter(info: { totalHits: number; resetTime?: Date | undefined }, windowMs: number): Counter {
  const resetTime = info.resetTime
  // A store may leave resetTime out; express-rate-limit then assumes a whole window, and so does kit.
  const resetAt = resetTime instanceof Date ? resetTime.getTime() : Date.now() + windowMs
  return { hits: Number(info.totalHits), resetAt }
}

/** A store of either contract. */
export function isExpressRateLimitStore(store: unknown): store is ExpressRateLimitStore {
  return (
    store !== null &&
    typeof store === 'object' &&
    typeof (store as ExpressRateLimitStore).increment === 'function' &&
    typeof (store as { hit?: unknown }).hit !== 'function'
  )
}
