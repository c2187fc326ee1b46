import {
  createDebug,
  KitError,
  type KitLogger,
  routedPath,
  type ShutdownHook,
  type SkipRequest,
  silentLogger,
} from '@kit/internal'
import { BruteForce } from './core/brute-force.ts'
import { ipKey, userKey } from './core/client-key.ts'
import { parseOptions, type RateLimitConfig } from './core/config.ts'
import { OutageReporter } from './core/outage-reporter.ts'
import { PrefixMap } from './core/paths.ts'
import { StoreGuard } from './core/store-guard.ts'
import { Tier } from './core/tier.ts'
import { hint } from './core/validate.ts'
import type { RateLimitContext, RateLimitOptions } from './options.ts'
import { MemoryStore } from './stores/memory.ts'
import { RedisStore } from './stores/redis.ts'
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
  const ownStore = context.store === undefined && context.redis === undefined
  const store: RateLimitStore =
    context.store ?? (context.redis !== undefined ? new RedisStore(context.redis) : new MemoryStore())
  const failClosed = [...config.tiers.values()].filter((t) => t.failClosed).map((t) => t.name)
  const reporter = new OutageReporter(log, store.name, config.warnIntervalMs, failClosed)
  const probe = store.ping ? () => store.ping!() : () => store.hit(`${config.prefix}probe`, 1000)
  const guard = new StoreGuard(config.storeTimeoutMs, reporter, probe)
  const tiers = new Map<string, Tier>()
  for (const tierConfig of config.tiers.values()) {
    tiers.set(tierConfig.name, new Tier(tierConfig, config.prefix, config.headers, store, guard))
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
    config.headers,
    config.storeTimeoutMs,
  )
  if (config.enabled && config.production && !store.shared) {
    log.warn(
      { store: store.name },
      'Rate limits are counted in memory: each instance of the app counts on its own, and counts reset on restart. Set REDIS_URL to share them.',
    )
  }

  const close = async (): Promise<void> => {
    guard.close()
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
      return ipKey(ip ?? '', subnet)
    },
    ipKey(ip) {
      return ipKey(ip ?? '', subnet)
    },
    shutdownHook: { name: 'rate-limit', close, timeoutMs: 1000 },
    close,
  }
}
