import type { KitLogger, SkipRequest } from '@kit/internal'
import type { RedisClientLike } from './stores/redis.ts'
import type { RateLimitStore } from './stores/types.ts'

/** One named limit. Give `perMinute`, or `limit` with `windowMs`. */
export interface TierOptions {
  /** Requests per minute per client. Shorthand for `limit` with `windowMs: 60_000`. */
  perMinute?: number
  /** Requests per window per client. */
  limit?: number
  /** Length of the window in milliseconds. @default 60_000 */
  windowMs?: number
}

/**
 * The user key for `keyBy`. It receives the framework's request (Express
 * `req`, Fastify `request`) and returns an id, or nothing to fall back to the
 * client IP.
 */
export type KeyBy = (req: any) => string | number | null | undefined

/** The failed-login limiter: counts only failed attempts, per IP and per account. */
export interface BruteForceOptions {
  /** Exact request paths of the login endpoints (matched case-insensitively). @default ['/auth/login'] */
  paths?: string[]
  /** Methods that are login attempts. @default ['POST'] */
  methods?: string[]
  /** Failed attempts per client IP (or IPv6 subnet) per window before blocking. @default 100 */
  perIp?: number
  /** Failed attempts per account per window before blocking that account. @default 10 */
  perAccount?: number
  /** Window in which failures are counted, in milliseconds. @default 3_600_000 (one hour) */
  windowMs?: number
  /** How long a client or an account stays blocked once over its limit, in milliseconds. @default windowMs */
  blockMs?: number
  /**
   * Reads the account name from the parsed request (it runs after body
   * parsing). Lower-cased, trimmed and hashed before it is stored.
   * @default body.email, body.username or body.login
   */
  account?: (req: any) => string | null | undefined
  /** Which response statuses count as a failed attempt. @default 400–499 except 429 */
  isFailure?: (statusCode: number) => boolean
  /** A successful attempt clears the account's failure count (never the IP's). @default true */
  resetOnSuccess?: boolean
}

/** The `rateLimit` section of kit.config, or the options of createRateLimits(). */
export interface RateLimitOptions {
  /** Turns every limiter off (a no-op middleware/plugin). @default env RATE_LIMIT_ENABLED, else true */
  enabled?: boolean
  /**
   * Named tiers. `global` (env RATE_LIMIT_PER_MINUTE, default 100), `auth`
   * (AUTH_RATE_LIMIT_PER_MINUTE, 5) and `ai` (AI_RATE_LIMIT_PER_MINUTE, 20)
   * always exist; values given here beat env. Other names add tiers.
   */
  tiers?: Record<string, TierOptions>
  /**
   * Path prefix → tier (`{ '/auth': 'auth', '/api/ai': 'ai' }`). A request
   * counts against the tier of its longest matching prefix (whole path
   * segments, case-insensitive), else against `global`.
   * @default {}
   */
  routes?: Record<string, string>
  /** Key clients by user instead of IP; returning nothing falls back to the IP. @default client IP */
  keyBy?: KeyBy
  /** IPv6 clients are grouped by this prefix length, on both frameworks. @default 56 */
  ipv6Subnet?: number
  /** Tiers that reject requests (503) while the store is unreachable; all others let requests through. @default [] */
  failClosed?: string[]
  /** The failed-login limiter, or false to turn it off. @default {} (on, with the defaults above) */
  bruteForce?: BruteForceOptions | false
  /** IETF `RateLimit`/`RateLimit-Policy` (draft 8) or `X-RateLimit-*` headers, or none. @default 'draft-8' */
  headers?: 'draft-8' | 'legacy' | false
  /** Upper bound on one store call; past it the request is let through (or rejected when fail-closed). @default 500 */
  storeTimeoutMs?: number
  /** While the store fails, at most one warning per this many milliseconds. @default 60_000 */
  warnIntervalMs?: number
  /** Prefix of every Redis key; each limiter adds its own name after it. @default 'kit:rl:' */
  prefix?: string
}

/** The part of the parsed env this package reads (strings are accepted too, as in process.env). */
export interface RateLimitEnv {
  RATE_LIMIT_ENABLED?: boolean | string
  RATE_LIMIT_PER_MINUTE?: number | string
  AUTH_RATE_LIMIT_PER_MINUTE?: number | string
  AI_RATE_LIMIT_PER_MINUTE?: number | string
  NODE_ENV?: string
}

export interface RateLimitContext {
  env?: RateLimitEnv
  log?: KitLogger
  /** An ioredis client (fail-fast settings); without it counters live in memory. */
  redis?: RedisClientLike
  /** A custom store (takes precedence over `redis`). */
  store?: RateLimitStore
  /** Requests that bypass every limiter (health routes). */
  skip?: SkipRequest
}

/** What a per-route override may say: a tier name, `false` for no limit, or `{ tier }`. */
export type RouteRateLimit = string | false | { tier: string }
