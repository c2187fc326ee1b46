import { clientAddress, KitError } from '@kit/internal'
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { FAIL_CLOSED_RETRY_AFTER } from '../core/constants.ts'
import type { Tier } from '../core/tier.ts'
import type { RateLimits } from '../rate-limits.ts'
import { StoreUnavailableError } from '../stores/redis.ts'
import { addBruteForceHooks } from './brute-force-hooks.ts'
import { refuse } from './refuse.ts'
import './route-config.ts'
import { checkTrustProxy, fastifyTrustProxy, forwardedForWarner } from './trust-proxy.ts'
import { fastifyRateLimit, type UpstreamDecorations, type UpstreamResult } from './upstream.ts'
import { TierStore } from './upstream-store.ts'

export interface KitRateLimitOptions {
  /** The result of createRateLimits(). */
  limits: RateLimits
  /** The trustProxy given to Fastify (core passes it); read from the instance when absent. */
  trustProxy?: unknown
}

/** The route's tier, fixed when the route is added: a Tier, null for an exempt route. */
const kRouteTier = Symbol('kit.rateLimit.routeTier')
type RouteConfig = { [kRouteTier]?: Tier | null; rateLimit?: unknown }

function routeTier(limits: RateLimits, route: RouteOptions): Tier | null {
  const override = (route.config as RouteConfig | undefined)?.rateLimit
  const where = `config.rateLimit of ${String(route.method)} ${route.url}`
  if (override === undefined || override === null) return limits.tierForPath(route.url)
  if (override === false) return null
  if (typeof override === 'string') return limits.tier(override, where)
  if (typeof override === 'object' && typeof (override as { tier?: unknown }).tier === 'string') {
    return limits.tier((override as { tier: string }).tier, where)
  }
  // @fastify/rate-limit's own per-route options ({ max, timeWindow }), as apps that used it carry
  // (fastify/demo): kit's limits replace that plugin, so the route keeps its path's tier and the
  // app is told how to say the same thing to kit, instead of a start-up crash.
  if (typeof override === 'object' && ('max' in override || 'timeWindow' in override)) {
    limits.log.warn(
      { warning: 'fastify-rate-limit-route-config', route: `${String(route.method)} ${route.url}` },
      `\`${where}\` has @fastify/rate-limit options; kit's rate limits ignore them and apply the path's tier. Fix: declare a tier in kit.config (rateLimit: { tiers: { strict: { perMinute: 3 } } }) and set config: { rateLimit: 'strict' } on the route.`,
    )
    return limits.tierForPath(route.url)
  }
  throw new KitError(
    'KIT_RATE_LIMIT_INVALID_OPTION',
    `\`${where}\` must be a tier name ('auth'), { tier: 'auth' } or false; got ${typeof override}.`,
  )
}

export async function kitRateLimitPlugin(
  fastify: FastifyInstance,
  options: KitRateLimitOptions,
): Promise<void> {
  const limits = options?.limits
  if (limits === undefined || typeof limits?.tierForPath !== 'function') {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      'The @kit/rate-limit Fastify plugin needs `{ limits: createRateLimits(options) }`.',
    )
  }

  // Runs before @fastify/rate-limit's own onRoute hook (registered below), which would reject a tier name.
  fastify.addHook('onRoute', (route) => {
    const tier = routeTier(limits, route)
    route.config = { ...route.config, rateLimit: undefined, [kRouteTier]: tier } as typeof route.config
    if (limits.enabled && limits.bruteForce !== undefined) addBruteForceHooks(limits, route)
  })
  if (!limits.enabled) return

  const trustProxy = 'trustProxy' in options ? options.trustProxy : fastifyTrustProxy(fastify)
  checkTrustProxy(trustProxy, limits.log)
  const warnForwardedFor = forwardedForWarner(trustProxy, limits.log)

  // In a scope of its own: @fastify/rate-limit decorates `rateLimit` and `createRateLimit` only
  // when they are absent, so on the root an app's own later @fastify/rate-limit (a 404 handler's
  // `preHandler: fastify.rateLimit({ max })`, as fastify/demo has) would get kit's tier-only
  // decorators and answer 500. kit only needs createRateLimit; its hooks stay on the root.
  const keyGenerator = (request: FastifyRequest): string =>
    limits.clientKey(request, clientAddress(request.raw, request.ip))
  const limiters = new Map<Tier, (request: FastifyRequest) => Promise<UpstreamResult>>()
  await fastify.register(async (scope) => {
    await scope.register(fastifyRateLimit, { global: false, store: TierStore })
    const upstream = scope as unknown as UpstreamDecorations
    for (const name of limits.config.tiers.keys()) {
      const tier = limits.tier(name)
      limiters.set(
        tier,
        upstream.createRateLimit({ max: tier.limit, timeWindow: tier.windowMs, keyGenerator, kitTier: tier }),
      )
    }
  })
  const skip = limits.skip

  fastify.addHook('onRequest', async function rateLimitHook(request, reply) {
    if (skip?.(request.raw)) return
    if (warnForwardedFor !== undefined) warnForwardedFor(request.headers)
    let tier = (request.routeOptions.config as RouteConfig)[kRouteTier]
    if (tier === null) return
    if (tier === undefined) tier = limits.tierForPath(request.url)
    let result: UpstreamResult
    try {
      result = await limiters.get(tier)!(request)
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error
      return tier.failClosed ? refuse(request, reply, 503, FAIL_CLOSED_RETRY_AFTER) : undefined
    }
    if (result.isAllowed) return
    const now = Date.now()
    const resetAt = now + Math.max(0, result.ttl)
    tier.headers.writeReply(reply, result.remaining, resetAt, now)
    if (result.isExceeded) return refuse(request, reply, 429, Math.max(1, Math.ceil((resetAt - now) / 1000)))
  })
}
