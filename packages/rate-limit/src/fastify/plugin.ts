import { fastifyRouteConfig, KitError } from '@kit/internal'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { runTier } from '../core/run-tier.ts'
import type { Tier } from '../core/tier.ts'
import { forwardedForWarner } from '../core/trust-proxy-checks.ts'
import type { RateLimits } from '../rate-limits.ts'
import { addBruteForceHooks } from './brute-force-hooks.ts'
import { FASTIFY_IO, responseOver } from './io.ts'
import './route-config.ts'
import { foreignRouteConfigCheck } from './foreign-route-config.ts'
import { checkTrustProxy, fastifyTrustProxy } from './trust-proxy.ts'

export interface KitRateLimitOptions {
  /** The result of createRateLimits(). */
  limits: RateLimits
  /** The trustProxy given to Fastify (core passes it); read from the instance when absent. */
  trustProxy?: unknown
}

/** The route's tier, fixed when the route is added: a Tier, null for an exempt route. */
const kRouteTier = Symbol('kit.rateLimit.routeTier')
type RouteConfig = { [kRouteTier]?: Tier | null; kitRateLimit?: unknown }

function routeTier(limits: RateLimits, route: RouteOptions): Tier | null {
  const override = (route.config as RouteConfig | undefined)?.kitRateLimit
  const where = `config.kitRateLimit of ${String(route.method)} ${route.url}`
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
  const hook = rateLimitHook(fastify, options)
  if (hook) fastify.addHook('onRequest', hook)
}

type OnRequestHook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/**
 * What the plugin installs on `fastify` (route tiers, brute-force hooks,
 * give-back hooks), returning its onRequest hook for the caller to add:
 * @kit/core chains it with its other steps into one hook. Undefined when
 * the limits are off.
 */
export function rateLimitHook(
  fastify: FastifyInstance,
  options: KitRateLimitOptions,
): OnRequestHook | undefined {
  const limits = options?.limits
  if (limits === undefined || typeof limits?.tierForPath !== 'function') {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      'The @kit/rate-limit Fastify plugin needs `{ limits: createRateLimits(options) }`.',
    )
  }

  const checkForeign = foreignRouteConfigCheck(fastify, limits.log)
  fastify.addHook('onRoute', (route) => {
    checkForeign(route)
    const tier = routeTier(limits, route)
    route.config = { ...route.config, [kRouteTier]: tier } as typeof route.config
    if (limits.enabled && limits.bruteForce !== undefined) addBruteForceHooks(limits, route)
  })
  if (!limits.enabled) return undefined

  const trustProxy = 'trustProxy' in options ? options.trustProxy : fastifyTrustProxy(fastify)
  checkTrustProxy(trustProxy, limits.log)
  const warnForwardedFor = forwardedForWarner(trustProxy, limits.log, 'Fastify trustProxy')
  const skip = limits.skip

  // A callback hook, not an async one: the memory store answers synchronously, and so does the whole limiter then.
  const hook: OnRequestHook = function rateLimitHook(request, reply, done) {
    if (skip?.(request.raw)) return done()
    if (warnForwardedFor !== undefined) warnForwardedFor(request.headers)
    // The route's config without building request.routeOptions (@kit/internal fastifyRouteConfig).
    let tier = (fastifyRouteConfig(request) as RouteConfig)[kRouteTier]
    if (tier === null) return done()
    if (tier === undefined) tier = limits.tierForPath(request.url)
    runTier(tier, FASTIFY_IO, request, reply, done as (error?: unknown) => void)
  }

  // skipSuccessfulRequests / skipFailedRequests: only when a tier uses them do requests pay for these hooks.
  if ([...limits.config.tiers.keys()].some((name) => limits.tier(name).givesHitsBack)) {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      responseOver(request, reply.statusCode, true)
      done()
    })
    fastify.addHook('onRequestAbort', (request: FastifyRequest, done) => {
      responseOver(request, 0, false)
      done()
    })
  }
  return hook
}
