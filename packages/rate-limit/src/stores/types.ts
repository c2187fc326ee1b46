/** A counter at one moment: how many hits in the current window and when it ends. */
export interface Counter {
  hits: number
  /** Epoch milliseconds at which the counter resets. */
  resetAt: number
}

/**
 * Where counters live. One store serves every limiter of a RateLimits
 * instance; each limiter prefixes its keys. Memory answers synchronously,
 * Redis with one round trip per call.
 */
export interface RateLimitStore {
  readonly name: string
  /** True when every instance of the app sees the same counters (Redis). */
  readonly shared: boolean
  /**
   * Counts one hit on a fixed window that starts with the first hit. Read
   * the counter at once: a store may hand out its live entry (memory does).
   */
  hit(key: string, windowMs: number): Counter | Promise<Counter>
  /**
   * Counts one attempt on each key (fixed window of `windowMs`). A key whose
   * count reaches its threshold is kept (blocked) for `blockMs` from then.
   */
  countAttempt(
    keys: readonly string[],
    windowMs: number,
    thresholds: readonly number[],
    blockMs: number,
  ): Counter[] | Promise<Counter[]>
  /** Takes one hit back from each key (never below zero, never creating a key). */
  decrement(keys: readonly string[]): void | Promise<void>
  /** Forgets a key. */
  reset(key: string): void | Promise<void>
  /**
   * A cheap round trip, used only while the store is known to be down to
   * learn that it is back. Without it, the probe is a hit() on
   * `<prefix>probe`.
   */
  ping?(): Promise<unknown>
  /**
   * The counters under one key prefix, if the store keeps prefixes apart
   * itself (memory: one Map per tier, so a hit builds no key string).
   * Without it, tiers prefix their keys.
   */
  scope?(prefix: string): ScopedCounters
  /** Stops timers; a store never closes a client it did not create. */
  close(): void | Promise<void>
}

/** The counters of one key prefix (see RateLimitStore.scope). */
export interface ScopedCounters {
  hit(key: string, windowMs: number): Counter | Promise<Counter>
  decrement(key: string): void | Promise<void>
  reset(key: string): void | Promise<void>
}
