import type { RateLimitStore, ScopedCounters } from './types.ts'

/** The counters of `prefix` in `store`: its own scope when it keeps one, else keys prefixed here. */
export function scopedCounters(store: RateLimitStore, prefix: string): ScopedCounters {
  if (typeof store.scope === 'function') return store.scope(prefix)
  return {
    hit: (key, windowMs) => store.hit(prefix + key, windowMs),
    decrement: (key) => store.decrement([prefix + key]),
    reset: (key) => store.reset(prefix + key),
  }
}
