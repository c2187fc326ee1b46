import type { Counter, RateLimitStore } from './types.ts'

export interface MemoryStoreOptions {
  /** How often expired counters are dropped, in milliseconds. @default 60_000 */
  sweepIntervalMs?: number
}

interface Entry {
  hits: number
  resetAt: number
}

/**
 * Counters in a Map, for one process. Each instance counts on its own: with
 * several instances (dynos, containers) use the Redis store.
 */
export class MemoryStore implements RateLimitStore {
  readonly name = 'memory'
  readonly shared = false
  /** express-rate-limit's marker for stores whose keys are local to the instance. */
  readonly localKeys = true
  readonly #entries = new Map<string, Entry>()
  readonly #timer: NodeJS.Timeout

  constructor(options: MemoryStoreOptions = {}) {
    this.#timer = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 60_000)
    this.#timer.unref()
  }

  hit(key: string, windowMs: number): Counter {
    const now = Date.now()
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.resetAt <= now) {
      this.#entries.set(key, { hits: 1, resetAt: now + windowMs })
      return { hits: 1, resetAt: now + windowMs }
    }
    entry.hits++
    return { hits: entry.hits, resetAt: entry.resetAt }
  }

  countAttempt(
    keys: readonly string[],
    windowMs: number,
    thresholds: readonly number[],
    blockMs: number,
  ): Counter[] {
    const now = Date.now()
    return keys.map((key, i) => {
      let entry = this.#entries.get(key)
      if (entry === undefined || entry.resetAt <= now) {
        entry = { hits: 0, resetAt: now + windowMs }
        this.#entries.set(key, entry)
      }
      entry.hits++
      // Crossing the threshold starts the penalty, as the Redis script does.
      if (entry.hits === thresholds[i]) entry.resetAt = now + blockMs
      return { hits: entry.hits, resetAt: entry.resetAt }
    })
  }

  decrement(keys: readonly string[]): void {
    const now = Date.now()
    for (const key of keys) {
      const entry = this.#entries.get(key)
      if (entry !== undefined && entry.resetAt > now && entry.hits > 0) entry.hits--
    }
  }

  reset(key: string): void {
    this.#entries.delete(key)
  }

  close(): void {
    clearInterval(this.#timer)
    this.#entries.clear()
  }

  /** Number of live counters (for tests and debugging). */
  get size(): number {
    return this.#entries.size
  }

  #sweep(): void {
    const now = Date.now()
    for (const [key, entry] of this.#entries) if (entry.resetAt <= now) this.#entries.delete(key)
  }
}
