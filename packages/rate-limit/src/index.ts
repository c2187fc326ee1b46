export type { BruteForce, BruteForceVerdict, LoginAttempt } from './core/brute-force.ts'
export { ipKey } from './core/client-key.ts'
export type { BruteForceConfig, RateLimitConfig, TierConfig } from './core/config.ts'
export type { Tier } from './core/tier.ts'
/** A tier's option names, and express-rate-limit's it refuses with the fix: what `kit init` carries or leaves out. */
export { NOT_TAKEN as NOT_TAKEN_TIER_OPTIONS, TIER_KEYS } from './core/tier-options.ts'
export { errors } from './errors.ts'
export type {
  BruteForceOptions,
  ExpressRateLimitStore,
  KeyBy,
  RateLimitContext,
  RateLimitEnv,
  RateLimitHandler,
  RateLimitOptions,
  RouteRateLimit,
  StandardHeaders,
  TierOptions,
} from './options.ts'
export { createRateLimits, type RateLimits } from './rate-limits.ts'
export { MemoryStore, type MemoryStoreOptions } from './stores/memory.ts'
export type { IoRedisLike, NodeRedisLike, RedisClientLike } from './stores/redis.ts'
export { StoreUnavailableError } from './stores/redis.ts'
export type { Counter, RateLimitStore, ScopedCounters } from './stores/types.ts'
