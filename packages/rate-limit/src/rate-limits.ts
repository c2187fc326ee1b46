import {
  createDebug,
  ipv6SubnetKey,
  KitError,
  type KitLogger,
  routedPath,
  type ShutdownHook,
  type SkipRequest,
  silentLogger,
} from '@kit/internal'
import { BruteForce } from './core/brute-force.ts'
import { userKey } from './core/client-key.ts'
import { parseOptions, type RateLimitConfig } from './core/config.ts'
import { erlOptionsOf } from './core/erl-options.ts'
import { OutageReporter } from './core/outage-reporter.ts'
import { PrefixMap } from './core/paths.ts'
import { StoreGuard } from './core/store-guard.ts'
import { Tier, type TierKey } from './core/tier.ts'
import { resolveHeaders, type TierConfig } from './core/tier-options.ts'
import { hint } from './core/validate.ts'
import type { ExpressRateLimitStore, KeyBy, RateLimitContext, RateLimitOptions } from './options.ts'
import { ExpressRateLimitStoreAdapter, isExpressRateLimitStore } from './stores/express-rate-limit-store.ts'
import { MemoryStore } from './stores/memory.ts'
import { RedisStore } from './stores/redis.ts'
import { scopedCounters } from './stores/scoped.ts'
import type { RateLimitStore } from './stores/types.ts'

const debug = createDebug('rate-limit')

/**
 * Everything the framework adapters need, resolved once: tiers, the route
 * map, the store with its guard, the failed-login limiter. Create one per
 * app and hand it to `@kit/rate-limit/express` or `@kit/rate-limit/fastify`.
 */
export interface RateLimits {
  readonly enabled: boolean
  readonly config: RateLimitConfig
  readonly store: RateLimitStore
  readonly log: KitLogger
  /** Requests that bypass every limiter (health routes). */
  readonly skip: SkipRequest | undefined
  /** The failed-login limiter, unless turned off. */
  readonly bruteForce: BruteForce | undefined
  /** The tier called `name`; throws KIT_RATE_LIMIT_UNKNOWN_TIER (with a suggestion) if there is none. */
  tier(name: string, where?: string): Tier
  /** The tier a request path counts against: its longest matching `routes` prefix, else `global`. */
  tierForPath(url: string): Tier
  /** The client's key: `keyBy`'s user key when it returns one, else the (IPv6-grouped) IP. */
  clientKey(req: unknown, ip: string | undefined): string
  /** The IP key alone (the failed-login limiter always counts per IP). */
  ipKey(ip: string | undefined): string
  /** For @kit/health's shutdown sequence. */
  readonly shutdownHook: ShutdownHook
  /** Stops the memory store's timer. A Redis client is the app's to close. */
  close(): Promise<void>
}

export function createRateLimits(options: RateLimitOptions = {}, context: RateLimitContext = {}): RateLimits {
  const config = parseOptions(options, context.env)
  const log = context.log ? context.log.child({ module: 'rate-limit' }) : silentLogger
  if (isExpressRateLimitStore(context.store)) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_STORE',
      "The `store` given to createRateLimits() is an express-rate-limit Store: it counts one window, so it serves one tier. Give it to the tier instead (`rateLimit.tiers.global.store`, one store instance per tier), or pass `redis` for kit's shared store.",
    )
  }
  const ownStore = context.store === undefined && context.redis === undefined
  const store: RateLimitStore =
    context.store ?? (context.redis !== undefined ? new RedisStore(context.redis) : new MemoryStore())
  const failClosed = [...config.tiers.values()].filter((t) => t.failClosed).map((t) => t.name)
  const guardOf = (target: RateLimitStore, closedTiers: readonly string[], probeKey: string): StoreGuard => {
    const reporter = new OutageReporter(log, target.name, config.warnIntervalMs, closedTiers)
    const probe = target.ping ? () => target.ping!() : () => target.hit(probeKey, 1000)
    return new StoreGuard(config.storeTimeoutMs, reporter, probe)
  }
  const guard = guardOf(store, failClosed, `${config.prefix}probe`)
  const guards = [guard]
  const tiers = new Map<string, Tier>()
  assertStoresUnshared(config.tiers.values())
  for (const tierConfig of config.tiers.values()) {
    const headers = resolveHeaders(tierConfig.headers, config.headers)
    const keyPrefix = `${config.prefix}${tierConfig.name}:`
    const keyOf = tierKey(tierConfig, config.keyBy, config.ipv6Subnet)
    let tier: Tier
    if (tierConfig.store === undefined) {
      tier = new Tier(tierConfig, keyPrefix, headers, scopedCounters(store, keyPrefix), guard, keyOf)
    } else {
      const own = isExpressRateLimitStore(tierConfig.store)
        ? new ExpressRateLimitStoreAdapter(
            tierConfig.store,
            tierConfig.name,
            erlOptionsOf(tierConfig, headers),
            log,
          )
        : tierConfig.store
      const ownGuard = guardOf(own, tierConfig.failClosed ? [tierConfig.name] : [], `${keyPrefix}probe`)
      guards.push(ownGuard)
      tier = new Tier(tierConfig, keyPrefix, headers, scopedCounters(own, keyPrefix), ownGuard, keyOf)
    }
    tiers.set(tierConfig.name, tier)
  }
  const routes = new PrefixMap(
    config.routes.map(([prefix, name]): [string, Tier] => [prefix, tiers.get(name)!]),
  )
  const global = tiers.get('global')!
  const bruteForce = config.bruteForce
    ? new BruteForce(config.bruteForce, config.prefix, failClosed.includes('auth'), store, guard)
    : undefined

  debug(
    'enabled=%s store=%s tiers=%o routes=%d bruteForce=%s headers=%s timeout=%dms',
    config.enabled,
    store.name,
    [...config.tiers.values()].map(
      (t) => `${t.name}:${t.limit}/${t.windowMs}ms${t.failClosed ? ' fail-closed' : ''}`,
    ),
    config.routes.length,
    bruteForce ? `${config.bruteForce!.perIp}/ip ${config.bruteForce!.perAccount}/account` : 'off',
    `${config.headers.standard || ''}${config.headers.legacy ? '+legacy' : ''}`,
    config.storeTimeoutMs,
  )
  // Tiers with a store of their own (rate-limit-redis...) do not count in the main store; the failed-login limiter does.
  const inMainStore = [...config.tiers.values()].filter((t) => t.store === undefined).map((t) => t.name)
  if (bruteForce !== undefined) inMainStore.push('failed logins')
  if (config.enabled && config.production && !store.shared && inMainStore.length > 0) {
    log.warn(
      { store: store.name, limiters: inMainStore },
      `Rate limits (${inMainStore.join(', ')}) are counted in memory: each instance of the app counts on its own, and counts reset on restart. Set REDIS_URL to share them.`,
    )
  }

  const close = async (): Promise<void> => {
    for (const each of guards) each.close()
    if (ownStore) await store.close()
  }
  const subnet = config.ipv6Subnet
  const keyBy = config.keyBy

  return {
    enabled: config.enabled,
    config,
    store,
    log,
    skip: context.skip,
    bruteForce,
    tier(name, where = 'limit()') {
      const tier = tiers.get(name)
      if (tier) return tier
      throw new KitError(
        'KIT_RATE_LIMIT_UNKNOWN_TIER',
        `\`${where}\` names the tier ${JSON.stringify(String(name))}, which is not defined.${hint(String(name), tiers.keys())} Defined tiers: ${[...tiers.keys()].join(', ')}. Add it under \`rateLimit.tiers\`.`,
      )
    },
    tierForPath(url) {
      if (routes.size === 0) return global
      return routes.match(routedPath(url)) ?? global
    },
    clientKey(req, ip) {
      if (keyBy !== undefined) {
        const user = userKey(keyBy, req)
        if (user !== undefined) return user
      }
      return ipv6SubnetKey(ip ?? '', subnet)
    },
    ipKey(ip) {
      return ipv6SubnetKey(ip ?? '', subnet)
    },
    shutdownHook: { name: 'rate-limit', close, timeoutMs: 1000 },
    close,
  }
}

/** How a tier keys a request: express-rate-limit's keyGenerator as is, else the user key (tier's or global keyBy), else the IP key. */
function tierKey(tier: TierConfig, globalKeyBy: KeyBy | undefined, subnet: number): TierKey {
  const generate = tier.keyGenerator
  if (generate !== undefined) return (req, res) => generate(req, res)
  const keyBy = tier.keyBy ?? globalKeyBy
  if (keyBy === undefined) return (_req, _res, ip) => ipv6SubnetKey(ip ?? '', subnet)
  return (req, _res, ip) => userKey(keyBy, req) ?? ipv6SubnetKey(ip ?? '', subnet)
}

/**
 * express-rate-limit's rule, checked at start-up: a store instance counts
 * one tier, and two stores of one shared backend need distinct prefixes,
 * or each tier counts the other's requests.
 */
function assertStoresUnshared(tiers: Iterable<TierConfig>): void {
  const owners = new Map<object, string>()
  const prefixes = new Map<string, string>()
  for (const tier of tiers) {
    const store = tier.store
    if (store === undefined) continue
    const owner = owners.get(store)
    if (owner !== undefined) {
      throw new KitError(
        'KIT_RATE_LIMIT_STORE_SHARED',
        `Tiers \`${owner}\` and \`${tier.name}\` are given the same store instance: each would count the other's requests. Create one store per tier (\`new RedisStore({ sendCommand, prefix: 'rl:${tier.name}:' })\`).`,
      )
    }
    owners.set(store, tier.name)
    const prefix = (store as ExpressRateLimitStore).prefix
    if (!isExpressRateLimitStore(store) || store.localKeys === true || typeof prefix !== 'string') continue
    const backend = `${store.constructor?.name}\u0000${prefix}`
    const other = prefixes.get(backend)
    if (other !== undefined) {
      throw new KitError(
        'KIT_RATE_LIMIT_STORE_SHARED',
        `The stores of tiers \`${other}\` and \`${tier.name}\` use the same prefix ${JSON.stringify(prefix)}: in one backend each tier would count the other's requests. Give each store its own \`prefix\` (for example 'rl:${tier.name}:').`,
      )
    }
    prefixes.set(backend, tier.name)
  }
}
