import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext } from '../context.ts'

type StaticCheck = CheckDefinition<DoctorContext>

function rateLimitState(ctx: DoctorContext): { enabled: boolean; shared: boolean; why: string } {
  const option = ctx.config.rateLimit
  if (option === false) return { enabled: false, shared: false, why: 'kit.config has `rateLimit: false`' }
  if (option?.enabled === false) return { enabled: false, shared: false, why: 'rateLimit.enabled is false' }
  if (option?.enabled === undefined && ctx.env.RATE_LIMIT_ENABLED === false)
    return { enabled: false, shared: false, why: 'RATE_LIMIT_ENABLED=false' }
  if (option?.store !== undefined) return { enabled: true, shared: true, why: 'a custom store' }
  return ctx.env.REDIS_URL
    ? { enabled: true, shared: true, why: 'Redis (REDIS_URL)' }
    : { enabled: true, shared: false, why: 'memory (REDIS_URL unset)' }
}

export const SCALING_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-RL-001',
    ref: 'CFG-RL-01',
    title: 'Rate limiting on',
    severity: 'medium',
    fix: 'Remove `rateLimit: false` / RATE_LIMIT_ENABLED=false: login, password reset and AI endpoints need limits (tiers auth and ai).',
    run(ctx) {
      const state = rateLimitState(ctx)
      return state.enabled
        ? pass(`rate limits counted in ${state.why}`)
        : fail(`rate limiting is off: ${state.why}`)
    },
  },
  {
    id: 'KIT-RL-002',
    title: 'Rate limits are shared by every instance',
    severity: 'high',
    fix: 'Set REDIS_URL (heroku addons:create heroku-redis): with the memory store each instance counts on its own, so N instances allow N times the limit and brute-force blocks do not hold.',
    run(ctx) {
      const state = rateLimitState(ctx)
      if (!state.enabled) return skip('rate limiting is off (see KIT-RL-001)')
      if (state.shared) return pass(`shared store: ${state.why}`)
      return ctx.instances.length
        ? fail(`memory store with more than one instance (${ctx.instances.join(', ')})`)
        : pass('memory store, and nothing says more than one instance runs')
    },
  },
  {
    id: 'KIT-REDIS-001',
    title: 'Redis is configured when several instances run',
    severity: 'high',
    fix: 'Set REDIS_URL (or REDIS_TLS_URL) to a Redis every instance reaches: rate limits and feature-flag changes are shared through it.',
    run(ctx) {
      if (ctx.env.REDIS_URL) return pass('REDIS_URL is set')
      return ctx.instances.length
        ? fail(`REDIS_URL is unset with more than one instance (${ctx.instances.join(', ')})`)
        : pass('one instance: in-memory state is enough')
    },
  },
]
