import { FASTIFY_FACTS, requestFacts } from '@kit/internal'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { LoginAttempt } from '../core/brute-force.ts'
import { FAIL_CLOSED_RETRY_AFTER } from '../core/constants.ts'
import type { RateLimits } from '../rate-limits.ts'
import { refuse } from './refuse.ts'

const kAttempt = Symbol('kit.rateLimit.loginAttempt')
type AttemptRequest = FastifyRequest & { [kAttempt]?: LoginAttempt }

function append<T>(existing: T | T[] | undefined, hook: T): T[] {
  if (existing === undefined) return [hook]
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook]
}

/**
 * Adds the failed-login limiter to a login route only (other routes pay
 * nothing): preValidation, after the body is parsed, counts the attempt or
 * refuses it; onResponse gives it back unless the response is a failure.
 */
export function addBruteForceHooks(limits: RateLimits, route: RouteOptions): void {
  const guard = limits.bruteForce!
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  if (!methods.some((method) => guard.applies(method, route.url))) return
  const skip = limits.skip

  async function bruteForceHook(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    if (!guard.config.methods.has(request.method) || skip?.(request.raw)) return
    const attempt = guard.attempt(
      limits.ipKey(requestFacts(request.raw, request, FASTIFY_FACTS).clientAddress),
      request,
    )
    let verdict: Awaited<ReturnType<typeof guard.begin>>
    try {
      verdict = await guard.begin(attempt)
    } catch {
      return guard.failClosed ? refuse(request, reply, 503, FAIL_CLOSED_RETRY_AFTER) : undefined
    }
    if (verdict.blocked) return refuse(request, reply, 429, verdict.retryAfter)
    ;(request as AttemptRequest)[kAttempt] = attempt
  }

  async function bruteForceOutcomeHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const attempt = (request as AttemptRequest)[kAttempt]
    if (attempt !== undefined) await guard.end(attempt, reply.statusCode).catch(() => {})
  }

  route.preValidation = append(route.preValidation, bruteForceHook) as RouteOptions['preValidation']
  route.onResponse = append(route.onResponse, bruteForceOutcomeHook) as RouteOptions['onResponse']
}
