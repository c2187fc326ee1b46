import { FASTIFY_FACTS, KitError, requestFacts } from '@kit/internal'
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

  await fastify.register(fastifyRateLimit, { global: false, store: TierStore })
  const upstream = fastify as unknown as UpstreamDecorations
  const keyGenerator = (request: FastifyRequest): string =>
    limits.clientKey(request, requestFacts(request.raw, request, FASTIFY_FACTS).clientAddress)
  const limiters = new Map<Tier, (request: FastifyRequest) => Promise<UpstreamResult>>()
  for (const name of limits.config.tiers.keys()) {
    const tier = limits.tier(name)
    limiters.set(
      tier,
      upstream.createRateLimit({ max: tier.limit, timeWindow: tier.windowMs, keyGenerator, kitTier: tier }),
    )
  }
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
