import type { KitEnvWith } from '@kit/env'
import { createHealth, dbCheck, type Health, redisCheck } from '@kit/health'
import type { HealthCheck } from '@kit/internal'
import { type Logger, loggerShutdownHook } from '@kit/logger'
import { checkInitOrder, sentryShutdownHook } from '@kit/sentry'
import type { z } from 'zod'
import type { KitConfig } from '../config/types.ts'
import { createContext, type KitContext } from './context.ts'
import type { Framework } from './detect.ts'

export interface KitSetup {
  ctx: KitContext
  log: Logger
  health: Health
}

/**
 * The framework-independent half of productionize(): env, logger, health
 * checks, connections. Runs before anything is installed, so a bad env
 * throws with nothing half-done.
 */
export function setupKit(
  framework: Framework,
  config: KitConfig,
  env: KitEnvWith<z.ZodRawShape>,
  log: Logger,
  cwd: string,
): KitSetup {
  const health = createHealth(config.health ?? {}, { log, env })
  // Registered first so they run last (DESIGN §7: ..., database, Sentry flush, logger flush).
  health.addShutdownHook(loggerShutdownHook(log))
  if (env.SENTRY_DSN) {
    health.addShutdownHook(sentryShutdownHook())
    const warning = checkInitOrder({ env: { SENTRY_DSN: env.SENTRY_DSN } })
    if (warning) log.warn(warning)
  }
  // Connections register their hooks when created, so hooks run in reverse creation order (DESIGN §7).
  const ctx = createContext(framework, config, env, log, cwd, (hook) => health.addShutdownHook(hook))

  if (env.DATABASE_URL) {
    // The check creates the pool on first run, so readiness proves the database is reachable.
    health.addCheck(dbCheck({ raw: (sql: string) => ctx.connections.db().raw(sql) }, { name: 'database' }))
  } else {
    ctx.embedded.push('database: PGlite in .kit/pgdata (set DATABASE_URL in production)')
  }
  if (env.REDIS_URL) {
    health.addCheck(redisCheck(ctx.connections.redis(), { name: 'redis' }))
  } else {
    ctx.embedded.push(
      'rate limits and flag invalidation: in memory (set REDIS_URL with more than one instance)',
    )
  }
  if (ctx.mailerConfigured) {
    // Provider credentials are verified at most once a minute; a mail outage warns, it does not take the app out of rotation.
    health.addCheck(lazyMailerCheck(ctx))
    if (env.MAIL_PROVIDER.includes('file'))
      ctx.embedded.push('mail: .eml files under .kit/mail (set MAIL_PROVIDER in production)')
  }
  return { ctx, log, health }
}

function lazyMailerCheck(ctx: KitContext): HealthCheck {
  let check: HealthCheck | undefined
  return {
    name: 'mailer',
    critical: false,
    cacheForMs: 60_000,
    timeoutMs: 5000,
    check: () => {
      check ??= ctx.mailer().healthCheck({ name: 'mailer' })
      return check.check()
    },
  }
}
