import type { Counter, RateLimitStore, ScopedCounters } from './types.ts'

export interface MemoryStoreOptions {
  /** How often expired counters are dropped, in milliseconds. @default 60_000 */
  sweepIntervalMs?: number
}

/** A live counter; hit() hands it out as is (read it at once, never keep it). */
type Entry = Counter

/**
 * The counters of one key prefix (one tier). The hit of a client already
 * counted allocates nothing: no key concatenation (one Map per prefix), no
 * result object (the entry itself is returned), an expired entry is reused.
 */
class MemoryScope implements ScopedCounters {
  readonly entries: Map<string, Entry> = new Map()

  hit(key: string, windowMs: number): Counter {
    const now = Date.now()
    const entry = this.entries.get(key)
    if (entry === undefined) {
      const created: Entry = { hits: 1, resetAt: now + windowMs }
      this.entries.set(key, created)
      return created
    }
    if (entry.resetAt <= now) {
      entry.hits = 1
      entry.resetAt = now + windowMs
      return entry
    }
    entry.hits++
    return entry
  }

  decrement(key: string): void {
    const entry = this.entries.get(key)
    if (entry !== undefined && entry.resetAt > Date.now() && entry.hits > 0) entry.hits--
  }

  reset(key: string): void {
    this.entries.delete(key)
  }

  sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key)
  }
}

/**
 * Counters in Maps, for one process. Each instance counts on its own: with
 * several instances (dynos, containers) use the Redis store.
 */
export class MemoryStore implements RateLimitStore {
  readonly name = 'memory'
  readonly shared = false
  /** express-rate-limit's marker for stores whose keys are local to the instance. */
  readonly localKeys = true
  readonly #scopes = new Map<string, MemoryScope>()
  /** Keys given whole (hit(), countAttempt()): the scope of the empty prefix. */
  readonly #plain: MemoryScope
  readonly #timer: NodeJS.Timeout

  constructor(options: MemoryStoreOptions = {}) {
    this.#plain = this.#scope('')
    this.#timer = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 60_000)
    this.#timer.unref()
  }

  scope(prefix: string): ScopedCounters {
    return this.#scope(prefix)
  }

  #scope(prefix: string): MemoryScope {
    let scope = this.#scopes.get(prefix)
    if (scope === undefined) {
      scope = new MemoryScope()
      this.#scopes.set(prefix, scope)
    }
    return scope
  }

  hit(key: string, windowMs: number): Counter {
    return this.#plain.hit(key, windowMs)
  }

  countAttempt(
    keys: readonly string[],
    windowMs: number,
    thresholds: readonly number[],
    blockMs: number,
  ): Counter[] {
    const now = Date.now()
    const entries = this.#plain.entries
    return keys.map((key, i) => {
      let entry = entries.get(key)
      if (entry === undefined || entry.resetAt <= now) {
        entry = { hits: 0, resetAt: now + windowMs }
        entries.set(key, entry)
      }
      entry.hits++
      // Crossing the threshold starts the penalty, as the Redis script does.
      if (entry.hits === thresholds[i]) entry.resetAt = now + blockMs
      return { hits: entry.hits, resetAt: entry.resetAt }
    })
  }

  decrement(keys: readonly string[]): void {
    for (const key of keys) this.#plain.decrement(key)
  }

  reset(key: string): void {
    this.#plain.reset(key)
  }

  close(): void {
    clearInterval(this.#timer)
    for (const scope of this.#scopes.values()) scope.entries.clear()
  }

  /** Number of live counters (for tests and debugging). */
  get size(): number {
    let size = 0
    for (const scope of this.#scopes.values()) size += scope.entries.size
    return size
  }

  #sweep(): void {
    const now = Date.now()
    for (const scope of this.#scopes.values()) scope.sweep(now)
  }
}
