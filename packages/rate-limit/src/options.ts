import type { KitLogger, SkipRequest } from '@kit/internal'
import type { RedisClientLike } from './stores/redis.ts'
import type { RateLimitStore } from './stores/types.ts'

/** What a tier answers with in its rate-limit headers. */
export type StandardHeaders = boolean | 'draft-6' | 'draft-7' | 'draft-8'

/**
 * express-rate-limit's `handler(req, res, next, options)`: answers a request
 * over the limit. Express passes `req`/`res`/`next`; Fastify its `request`,
 * `reply` and a `next` that lets the request through (or, with an error,
 * hands it to Fastify's error handler). `req.rateLimit` holds
 * `{ limit, used, remaining, resetTime, key }`.
 */
export type RateLimitHandler = (req: any, res: any, next: (error?: unknown) => void, options: any) => unknown

/**
 * One named limit. Give `perMinute`, or `limit` with `windowMs`. The other
 * options are express-rate-limit's, with its meaning, on both frameworks
 * (docs/rate-limiting.md, "express-rate-limit's options").
 */
export interface TierOptions {
  /** Requests per minute per client. Shorthand for `limit` with `windowMs: 60_000`. */
  perMinute?: number
  /** Requests per window per client. */
  limit?: number
  /** express-rate-limit's old name of `limit`. */
  max?: number
  /** Length of the window in milliseconds. @default 60_000 */
  windowMs?: number
  /** This tier's user key (see `RateLimitOptions.keyBy`); beats the global `keyBy`. */
  keyBy?: KeyBy
  /**
   * express-rate-limit's key generator: `(req, res) => string` (or a promise
   * of one), used as the whole key (no IP fallback). Use `keyBy` or this, not both.
   */
  keyGenerator?: (req: any, res: any) => string | Promise<string>
  /** Requests this tier does not count: `(req, res) => boolean` (or a promise). */
  skip?: (req: any, res: any) => boolean | Promise<boolean>
  /** Answers a request over the limit instead of kit's error body. */
  handler?: RateLimitHandler
  /** Body of the refusal instead of kit's error body: a string, an object (JSON) or `(req, res) => body`. */
  message?: unknown
  /** Status of the refusal. @default 429 */
  statusCode?: number
  /**
   * Where this tier counts: an express-rate-limit `Store` (rate-limit-redis,
   * @acpr/rate-limit-postgresql, ...) or a kit `RateLimitStore`. One store
   * instance per tier. @default the store of createRateLimits()
   */
  store?: ExpressRateLimitStore | RateLimitStore
  /** IETF `RateLimit*` headers: `true` (= 'draft-6'), a draft, or false. @default rateLimit.headers */
  standardHeaders?: StandardHeaders
  /** `X-RateLimit-Limit`/`-Remaining`/`-Reset`. @default rateLimit.headers === 'legacy' */
  legacyHeaders?: boolean
  /** Gives a hit back once the response is a success (`requestWasSuccessful`). @default false */
  skipSuccessfulRequests?: boolean
  /** Gives a hit back once the response is a failure (status >= 400, or the connection closed). @default false */
  skipFailedRequests?: boolean
  /** What counts as a success for the two options above. @default `(req, res) => res.statusCode < 400` */
  requestWasSuccessful?: (req: any, res: any) => boolean | Promise<boolean>
  /** express-rate-limit's store-error switch: true lets requests through while the store is down (kit's default), false answers 503 (`failClosed`). */
  passOnStoreError?: boolean
}

/** express-rate-limit's `Store` contract (the part kit calls); see its docs. */
export interface ExpressRateLimitStore {
  init?(options: any): void | Promise<void>
  increment(
    key: string,
  ):
    | { totalHits: number; resetTime?: Date | undefined }
    | Promise<{ totalHits: number; resetTime?: Date | undefined }>
  decrement(key: string): void | Promise<void>
  resetKey(key: string): void | Promise<void>
  get?(key: string): unknown
  /** Keys are kept apart by it when two limiters use stores of one backend. */
  prefix?: string
  /** True when counts live in this process only. */
  localKeys?: boolean
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
  /** IETF `RateLimit`/`RateLimit-Policy` (draft 8, 7 or 6) or `X-RateLimit-*` headers, or none; a tier may choose its own (`standardHeaders`, `legacyHeaders`). @default 'draft-8' */
  headers?: 'draft-8' | 'draft-7' | 'draft-6' | 'legacy' | false
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
  /** An ioredis or node-redis (`redis`) client (fail-fast settings); without it counters live in memory. */
  redis?: RedisClientLike
  /** A kit store for every tier (takes precedence over `redis`); an express-rate-limit store goes on a tier (`tiers.x.store`). */
  store?: RateLimitStore
  /** Requests that bypass every limiter (health routes). */
  skip?: SkipRequest
}

/** What a per-route override (`kit.limit`, Fastify route `config.kitRateLimit`) may say: a tier name, `false` for no limit, or `{ tier }`. */
export type RouteRateLimit = string | false | { tier: string }
