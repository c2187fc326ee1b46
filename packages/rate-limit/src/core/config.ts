import { KitError, routedPath } from '@kit/internal'
import type { BruteForceOptions, KeyBy, RateLimitEnv, RateLimitOptions, TierOptions } from '../options.ts'

export type { HeaderStyle, TierConfig } from './tier-options.ts'

import { BUILT_IN_TIERS, envEnabled, envPerMinute } from './env.ts'
import { defaultTier, type HeaderStyle, parseTier, TIER_KEYS, type TierConfig } from './tier-options.ts'
import {
  assertKnownKeys,
  assertObject,
  describe,
  duration,
  hint,
  optionalFunction,
  positiveInteger,
} from './validate.ts'

export interface BruteForceConfig {
  readonly paths: ReadonlySet<string>
  readonly methods: ReadonlySet<string>
  readonly perIp: number
  readonly perAccount: number
  readonly windowMs: number
  readonly blockMs: number
  readonly account: (req: any) => string | null | undefined
  readonly isFailure: (statusCode: number) => boolean
  readonly resetOnSuccess: boolean
}

/** Options resolved once: defaults merged, env applied, everything validated. */
export interface RateLimitConfig {
  readonly enabled: boolean
  readonly tiers: ReadonlyMap<string, TierConfig>
  /** Route prefix → tier name, as given (validated). */
  readonly routes: ReadonlyArray<readonly [prefix: string, tier: string]>
  readonly keyBy: KeyBy | undefined
  readonly ipv6Subnet: number
  readonly bruteForce: BruteForceConfig | undefined
  /** The headers of tiers that do not choose their own. */
  readonly headers: HeaderStyle
  readonly storeTimeoutMs: number
  readonly warnIntervalMs: number
  readonly prefix: string
  readonly production: boolean
}

const OPTION_KEYS = [
  'enabled',
  'tiers',
  'routes',
  'keyBy',
  'ipv6Subnet',
  'failClosed',
  'bruteForce',
  'headers',
  'storeTimeoutMs',
  'warnIntervalMs',
  'prefix',
] as const
const BRUTE_FORCE_KEYS = [
  'paths',
  'methods',
  'perIp',
  'perAccount',
  'windowMs',
  'blockMs',
  'account',
  'isFailure',
  'resetOnSuccess',
] as const
const TIER_NAME = /^[A-Za-z0-9_-]{1,64}$/

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

export function parseOptions(options: RateLimitOptions = {}, env: RateLimitEnv = {}): RateLimitConfig {
  assertObject(options, 'rateLimit')
  const given = dropUndefined(options)
  for (const key of Object.keys(given)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key) && (TIER_KEYS as readonly string[]).includes(key)) {
      throw new KitError(
        'KIT_RATE_LIMIT_UNKNOWN_OPTION',
        `\`rateLimit.${key}\` belongs to a tier: kit has several (global, auth, ai, yours). Move it to \`rateLimit.tiers.global.${key}\` for the limit every other route counts against, or to the tier it is for.`,
      )
    }
  }
  assertKnownKeys(given, OPTION_KEYS, 'rateLimit.')
  if (given.enabled !== undefined && typeof given.enabled !== 'boolean') {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`rateLimit.enabled\` must be true or false; got ${describe(given.enabled)}.`,
    )
  }
  const tiers = parseTiers(given.tiers, env)
  const failClosed = parseFailClosed(given.failClosed, tiers)
  for (const name of failClosed) {
    const tier = tiers.get(name)!
    if (tier.passOnStoreError === true) {
      throw new KitError(
        'KIT_RATE_LIMIT_INVALID_OPTION',
        `Tier \`${name}\` is in \`rateLimit.failClosed\` and sets \`passOnStoreError: true\` (let requests through while the store is down). Keep one.`,
      )
    }
    tiers.set(name, { ...tier, failClosed: true })
  }

  return {
    enabled: given.enabled ?? envEnabled(env) ?? true,
    tiers,
    routes: parseRoutes(given.routes, tiers),
    keyBy: optionalFunction<KeyBy>(given.keyBy, 'rateLimit.keyBy'),
    ipv6Subnet: parseSubnet(given.ipv6Subnet),
    bruteForce: given.bruteForce === false ? undefined : parseBruteForce(given.bruteForce ?? {}),
    headers: parseHeaders(given.headers),
    storeTimeoutMs: duration(given.storeTimeoutMs ?? 500, 'rateLimit.storeTimeoutMs', 1),
    warnIntervalMs: duration(given.warnIntervalMs ?? 60_000, 'rateLimit.warnIntervalMs', 0),
    prefix: parsePrefix(given.prefix),
    production: env.NODE_ENV === 'production',
  }
}

function parseTiers(input: unknown, env: RateLimitEnv): Map<string, TierConfig> {
  const given = input === undefined ? {} : input
  assertObject(given, 'rateLimit.tiers')
  const tiers = new Map<string, TierConfig>()
  for (const [name, builtIn] of Object.entries(BUILT_IN_TIERS)) {
    const perMinute = (builtIn.env && envPerMinute(env, builtIn.env)) || builtIn.perMinute
    tiers.set(name, defaultTier(name, perMinute))
  }
  for (const [name, options] of Object.entries(given)) {
    if (options === undefined) continue
    if (!TIER_NAME.test(name)) {
      throw new KitError(
        'KIT_RATE_LIMIT_INVALID_OPTION',
        `Tier name ${describe(name)} is not allowed: use letters, digits, '-' and '_' (it appears in headers and Redis keys).`,
      )
    }
    assertObject(options, `rateLimit.tiers.${name}`)
    tiers.set(name, parseTier(name, dropUndefined(options as TierOptions), tiers.get(name)))
  }
  return tiers
}

function unknownTier(name: unknown, where: string, tiers: ReadonlyMap<string, TierConfig>): KitError {
  const text = typeof name === 'string' ? name : describe(name)
  return new KitError(
    'KIT_RATE_LIMIT_UNKNOWN_TIER',
    `\`${where}\` names the tier ${JSON.stringify(text)}, which is not defined.${hint(text, tiers.keys())} Defined tiers: ${[...tiers.keys()].join(', ')}. Add it under \`rateLimit.tiers\`.`,
  )
}

function parseFailClosed(input: unknown, tiers: ReadonlyMap<string, TierConfig>): string[] {
  if (input === undefined) return []
  if (!Array.isArray(input)) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`rateLimit.failClosed\` must be a list of tier names (for example ['auth']); got ${describe(input)}.`,
    )
  }
  for (const name of input)
    if (typeof name !== 'string' || !tiers.has(name)) throw unknownTier(name, 'rateLimit.failClosed', tiers)
  return input as string[]
}

function parseRoutes(input: unknown, tiers: ReadonlyMap<string, TierConfig>): [string, string][] {
  if (input === undefined) return []
  assertObject(input, 'rateLimit.routes')
  return Object.entries(input).map(([prefix, name]): [string, string] => {
    if (!prefix.startsWith('/')) {
      throw new KitError(
        'KIT_RATE_LIMIT_INVALID_OPTION',
        `Route prefix ${describe(prefix)} in \`rateLimit.routes\` must start with '/' (for example '/auth').`,
      )
    }
    if (typeof name !== 'string' || !tiers.has(name))
      throw unknownTier(name, `rateLimit.routes['${prefix}']`, tiers)
    return [prefix, name]
  })
}

function parseSubnet(input: unknown): number {
  if (input === undefined) return 56
  if (typeof input !== 'number' || !Number.isInteger(input) || input < 32 || input > 64) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`rateLimit.ipv6Subnet\` must be a prefix length from 32 to 64 (usually 48–64); got ${describe(input)}.`,
    )
  }
  return input
}

function parseHeaders(input: unknown): HeaderStyle {
  if (input === undefined || input === 'draft-8') return { standard: 'draft-8', legacy: false }
  if (input === 'draft-7' || input === 'draft-6') return { standard: input, legacy: false }
  if (input === 'legacy') return { standard: false, legacy: true }
  if (input === false) return { standard: false, legacy: false }
  throw new KitError(
    'KIT_RATE_LIMIT_INVALID_OPTION',
    `\`rateLimit.headers\` must be 'draft-8', 'draft-7', 'draft-6', 'legacy' or false; got ${describe(input)}. A tier can choose its own with express-rate-limit's \`standardHeaders\`/\`legacyHeaders\`.`,
  )
}

function parsePrefix(input: unknown): string {
  if (input === undefined) return 'kit:rl:'
  if (typeof input !== 'string' || input.length === 0 || input.length > 100) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`rateLimit.prefix\` must be a non-empty string (for example 'myapp:rl:'); got ${describe(input)}.`,
    )
  }
  return input
}

function defaultAccount(req: { body?: unknown }): string | undefined {
  const body = req.body
  if (body === null || typeof body !== 'object') return undefined
  const fields = body as Record<string, unknown>
  for (const field of ['email', 'username', 'login']) {
    const value = fields[field]
    if (typeof value === 'string' && value.trim() !== '') return value
  }
  return undefined
}

const defaultIsFailure = (status: number): boolean => status >= 400 && status < 500 && status !== 429

function parseBruteForce(input: unknown): BruteForceConfig {
  assertObject(input, 'rateLimit.bruteForce')
  const options = dropUndefined(input as BruteForceOptions)
  assertKnownKeys(options, BRUTE_FORCE_KEYS, 'rateLimit.bruteForce.')
  const paths = stringList(options.paths ?? ['/auth/login'], 'rateLimit.bruteForce.paths')
  for (const path of paths) {
    if (!path.startsWith('/')) {
      throw new KitError(
        'KIT_RATE_LIMIT_INVALID_OPTION',
        `\`rateLimit.bruteForce.paths\` entries must start with '/'; got ${describe(path)}.`,
      )
    }
  }
  const windowMs = duration(options.windowMs ?? 3_600_000, 'rateLimit.bruteForce.windowMs', 1000)
  if (options.resetOnSuccess !== undefined && typeof options.resetOnSuccess !== 'boolean') {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`rateLimit.bruteForce.resetOnSuccess\` must be true or false; got ${describe(options.resetOnSuccess)}.`,
    )
  }
  return {
    paths: new Set(paths.map((path) => routedPath(path))),
    methods: new Set(
      stringList(options.methods ?? ['POST'], 'rateLimit.bruteForce.methods').map((m) => m.toUpperCase()),
    ),
    perIp: positiveInteger(
      options.perIp ?? 100,
      'rateLimit.bruteForce.perIp',
      'Failed attempts per IP per window.',
    ),
    perAccount: positiveInteger(
      options.perAccount ?? 10,
      'rateLimit.bruteForce.perAccount',
      'Failed attempts per account per window.',
    ),
    windowMs,
    blockMs: duration(options.blockMs ?? windowMs, 'rateLimit.bruteForce.blockMs', 1000),
    account: optionalFunction(options.account, 'rateLimit.bruteForce.account') ?? defaultAccount,
    isFailure: optionalFunction(options.isFailure, 'rateLimit.bruteForce.isFailure') ?? defaultIsFailure,
    resetOnSuccess: options.resetOnSuccess ?? true,
  }
}

function stringList(input: unknown, name: string): string[] {
  if (!Array.isArray(input) || input.length === 0 || input.some((item) => typeof item !== 'string')) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`${name}\` must be a non-empty list of strings; got ${describe(input)}.`,
    )
  }
  return input as string[]
}
