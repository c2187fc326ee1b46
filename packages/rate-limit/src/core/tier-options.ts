import { KitError } from '@kit/internal'
import type {
  ExpressRateLimitStore,
  KeyBy,
  RateLimitHandler,
  StandardHeaders,
  TierOptions,
} from '../options.ts'
import type { RateLimitStore } from '../stores/types.ts'
import { describe, duration, hint, optionalFunction, positiveInteger } from './validate.ts'

/** Which rate-limit headers a tier writes. */
export interface HeaderStyle {
  readonly standard: false | 'draft-6' | 'draft-7' | 'draft-8'
  readonly legacy: boolean
}

export interface TierConfig {
  readonly name: string
  readonly limit: number
  readonly windowMs: number
  readonly failClosed: boolean
  /** Set by `passOnStoreError`; undefined leaves it to `rateLimit.failClosed`. */
  readonly passOnStoreError?: boolean
  /** Gaps (and undefined) take the global style. */
  readonly headers?: PartialHeaderStyle
  readonly keyBy?: KeyBy
  readonly keyGenerator?: (req: any, res: any) => string | Promise<string>
  readonly skip?: (req: any, res: any) => boolean | Promise<boolean>
  readonly handler?: RateLimitHandler
  readonly message?: unknown
  readonly statusCode: number
  readonly store?: ExpressRateLimitStore | RateLimitStore
  readonly skipSuccessfulRequests: boolean
  readonly skipFailedRequests: boolean
  readonly requestWasSuccessful?: (req: any, res: any) => boolean | Promise<boolean>
}

export const TIER_KEYS = [
  'perMinute',
  'limit',
  'max',
  'windowMs',
  'keyBy',
  'keyGenerator',
  'skip',
  'handler',
  'message',
  'statusCode',
  'store',
  'standardHeaders',
  'legacyHeaders',
  'skipSuccessfulRequests',
  'skipFailedRequests',
  'requestWasSuccessful',
  'passOnStoreError',
] as const

/**
 * express-rate-limit options kit does not take, with what to do instead: a
 * migrating user gets the fix, not just "unknown option".
 */
export const NOT_TAKEN: Readonly<Record<string, string>> = {
  validate:
    "kit runs its own start-up checks (trust proxy, X-Forwarded-For) and reports them through the app's logger: remove it.",
  ipv6Subnet: 'IPv6 grouping is one setting for every tier: set `rateLimit.ipv6Subnet`.',
  identifier: 'the draft-8 policy name is the tier name: rename the tier instead.',
  requestPropertyName:
    'kit sets `req.rateLimit` on refused requests (for `handler` and `message`); the name cannot change.',
  retryAfter: 'kit always sends `Retry-After` with the seconds until the window resets: remove it.',
  logger: "kit logs through the app's logger (createRateLimits' `log`): remove it.",
  onLimitReached: 'express-rate-limit v7 removed it: use `handler`.',
  headers: 'use `legacyHeaders` (express-rate-limit renamed it), or `rateLimit.headers` for every tier.',
  draft_polli_ratelimit_headers: "use `standardHeaders: 'draft-6'`.",
  failClosed: 'list the tier in `rateLimit.failClosed`, or give it `passOnStoreError: false`.',
}

const DRAFTS = ['draft-6', 'draft-7', 'draft-8'] as const

function invalid(message: string): KitError {
  return new KitError('KIT_RATE_LIMIT_INVALID_OPTION', message)
}

function boolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw invalid(`\`${name}\` must be true or false; got ${describe(value)}.`)
}

function assertTierKeys(options: object, where: string): void {
  for (const key of Object.keys(options)) {
    if ((TIER_KEYS as readonly string[]).includes(key)) continue
    const instead = NOT_TAKEN[key]
    throw new KitError(
      'KIT_RATE_LIMIT_UNKNOWN_OPTION',
      instead === undefined
        ? `Unknown option \`${where}.${key}\`.${hint(key, TIER_KEYS)} Known options: ${TIER_KEYS.join(', ')}.`
        : `\`${where}.${key}\` is an express-rate-limit option kit does not take: ${instead}`,
    )
  }
}

function parseStandardHeaders(
  value: StandardHeaders | undefined,
  where: string,
): HeaderStyle['standard'] | undefined {
  if (value === undefined) return undefined
  if (value === true) return 'draft-6' // express-rate-limit's meaning of `true`
  if (value === false) return false
  if ((DRAFTS as readonly unknown[]).includes(value)) return value
  throw invalid(
    `\`${where}.standardHeaders\` must be true, false, 'draft-6', 'draft-7' or 'draft-8'; got ${describe(value)}.`,
  )
}

function parseStore(value: unknown, where: string): ExpressRateLimitStore | RateLimitStore | undefined {
  if (value === undefined) return undefined
  const store = value as Record<string, unknown> | null
  const isErl =
    store !== null &&
    typeof store === 'object' &&
    typeof store.increment === 'function' &&
    typeof store.decrement === 'function' &&
    typeof store.resetKey === 'function'
  const isKit = store !== null && typeof store === 'object' && typeof store.hit === 'function'
  if (isErl || isKit) return value as ExpressRateLimitStore | RateLimitStore
  throw new KitError(
    'KIT_RATE_LIMIT_INVALID_STORE',
    `\`${where}.store\` is not a store: an express-rate-limit Store needs increment(), decrement() and resetKey() (rate-limit-redis, @acpr/rate-limit-postgresql...), a kit RateLimitStore needs hit(); got ${describe(value)}.`,
  )
}

function statusCode(value: unknown, where: string): number {
  if (value === undefined) return 429
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) {
    throw invalid(
      `\`${where}.statusCode\` must be an HTTP error status (400–599, usually 429); got ${describe(value)}.`,
    )
  }
  return value
}

/**
 * One tier's options in kit's words or express-rate-limit's. Contradictions
 * (`limit` with `max`, `keyBy` with `keyGenerator`...) are refused with the
 * fix, never resolved silently.
 */
export function parseTier(name: string, options: TierOptions, builtIn: TierConfig | undefined): TierConfig {
  const where = `rateLimit.tiers.${name}`
  assertTierKeys(options, where)
  if (options.limit !== undefined && options.max !== undefined) {
    throw invalid(
      `\`${where}\` sets both \`limit\` and \`max\` (express-rate-limit's old name for it). Keep \`limit\`.`,
    )
  }
  const given = options.limit ?? options.max
  const givenName = options.limit !== undefined ? 'limit' : 'max'
  if (typeof given === 'function') {
    throw invalid(
      `\`${where}.${givenName}\` is a function: kit's limits are fixed per tier. Define one tier per limit and pick it per route (\`routes\`, \`kit.limit('tier')\`, Fastify \`config.kitRateLimit\`).`,
    )
  }
  if (options.perMinute !== undefined && (given !== undefined || options.windowMs !== undefined)) {
    throw invalid(
      `\`${where}\` sets both \`perMinute\` and \`${given !== undefined ? givenName : 'windowMs'}\`. Use \`perMinute\` alone, or \`limit\` with \`windowMs\`.`,
    )
  }
  if (options.keyBy !== undefined && options.keyGenerator !== undefined) {
    throw invalid(
      `\`${where}\` sets both \`keyBy\` (kit: a user id, else the IP) and \`keyGenerator\` (express-rate-limit: the whole key). Keep one.`,
    )
  }
  if (options.skipSuccessfulRequests === true && options.skipFailedRequests === true) {
    throw invalid(
      `\`${where}\` sets both \`skipSuccessfulRequests\` and \`skipFailedRequests\`: every hit would be given back and the tier would never refuse. Keep one.`,
    )
  }

  let limit: number
  let windowMs: number
  if (options.perMinute !== undefined) {
    limit = positiveInteger(options.perMinute, `${where}.perMinute`, 'For example `{ perMinute: 20 }`.')
    windowMs = 60_000
  } else {
    if (given === undefined && builtIn === undefined) {
      throw invalid(
        `Tier \`${name}\` has no limit. Give \`${where}.perMinute\` (for example 30), or \`limit\` with \`windowMs\`.`,
      )
    }
    limit =
      given === undefined
        ? builtIn!.limit
        : positiveInteger(given, `${where}.${givenName}`, 'It counts requests per window.')
    windowMs = duration(options.windowMs ?? builtIn?.windowMs ?? 60_000, `${where}.windowMs`, 1000)
  }

  const standard = parseStandardHeaders(options.standardHeaders, where)
  const legacy = boolean(options.legacyHeaders, `${where}.legacyHeaders`)
  const headers = standard === undefined && legacy === undefined ? undefined : { standard, legacy }
  const passOnStoreError = boolean(options.passOnStoreError, `${where}.passOnStoreError`)
  return {
    name,
    limit,
    windowMs,
    failClosed: passOnStoreError === false,
    ...(passOnStoreError === undefined ? {} : { passOnStoreError }),
    ...(headers === undefined ? {} : { headers }),
    keyBy: optionalFunction<KeyBy>(options.keyBy, `${where}.keyBy`),
    keyGenerator: optionalFunction(options.keyGenerator, `${where}.keyGenerator`),
    skip: optionalFunction(options.skip, `${where}.skip`),
    handler: optionalFunction(options.handler, `${where}.handler`),
    message: options.message,
    statusCode: statusCode(options.statusCode, where),
    store: parseStore(options.store, where),
    skipSuccessfulRequests:
      boolean(options.skipSuccessfulRequests, `${where}.skipSuccessfulRequests`) ?? false,
    skipFailedRequests: boolean(options.skipFailedRequests, `${where}.skipFailedRequests`) ?? false,
    requestWasSuccessful: optionalFunction(options.requestWasSuccessful, `${where}.requestWasSuccessful`),
  }
}

/** A tier's header settings before the global style fills the gaps. */
export interface PartialHeaderStyle {
  readonly standard: HeaderStyle['standard'] | undefined
  readonly legacy: boolean | undefined
}

/** The tier's own header settings over the global style. */
export function resolveHeaders(tier: PartialHeaderStyle | undefined, global: HeaderStyle): HeaderStyle {
  if (tier === undefined) return global
  return { standard: tier.standard ?? global.standard, legacy: tier.legacy ?? global.legacy }
}

/** A tier built in (global, auth, ai, reports) before any option. */
export function defaultTier(name: string, limit: number): TierConfig {
  return {
    name,
    limit,
    windowMs: 60_000,
    failClosed: false,
    statusCode: 429,
    skipSuccessfulRequests: false,
    skipFailedRequests: false,
  }
}
