import type { IncomingMessage } from 'node:http'
import type { KitEnvWith } from '@kit/env'
import type { Flags } from '@kit/flags'
import { createHealth, dbCheck, type Health, redisCheck } from '@kit/health'
import type { HealthCheck } from '@kit/internal'
import { type Logger, loggerShutdownHook } from '@kit/logger'
import type { Metrics } from '@kit/metrics'
import { createRateLimits, type RateLimitOptions, type RateLimits } from '@kit/rate-limit'
import { createSecurity, type Security, type SecurityOptions, type SecurityWarning } from '@kit/security'
import type { z } from 'zod'
import type { KitConfig } from '../config/types.ts'
import { createContext, type KitContext, mailerConfigured } from './context.ts'
import type { Framework } from './detect.ts'
import { lockEmbeddedDatabase } from './embedded-lock.ts'
import { metricsFeatures, metricsTrigger } from './metrics-switch.ts'

export interface KitSetup {
  ctx: KitContext
  log: Logger
  health: Health
  /** Undefined when `security: false`. */
  security: Security | undefined
  /** Undefined when `rateLimit: false`. */
  limits: RateLimits | undefined
  /** Only when kit.config defines flags. */
  flags: Flags | undefined
  /** Only when metrics are on (kit.config `metrics`, METRICS_TOKEN, METRICS_PORT, SLACK_WEBHOOK_URL or ALERT_EMAIL_TO). */
  metrics: Metrics | undefined
  /** Requests that bypass logging at info, rate limits and security steps: health probes and the metrics endpoint. */
  skip: (req: IncomingMessage) => boolean
}

/**
 * The framework-independent half of productionize(): env, logger, health
 * checks, connections. Runs before anything is installed, so a bad env
 * throws with nothing half-done. Optional features (Sentry, mail, metrics,
 * flags) are imported only when configured: a feature that is off loads
 * nothing (docs/internals/module-loading.md).
 */
export async function setupKit(
  framework: Framework,
  config: KitConfig,
  env: KitEnvWith<z.ZodRawShape>,
  log: Logger,
  cwd: string,
): Promise<KitSetup> {
  // A private-network probe may name a host the app serves (set once security is resolved, below).
  let security: Security | undefined
  const allowedHost = (hostname: string): boolean =>
    security?.config.hosts.allowed?.matches(hostname) ?? false
  const health = createHealth(config.health ?? {}, { log, env, allowedHost })
  // Each hook declares its phase; @kit/health runs them in DESIGN §7's order, whatever the order of creation.
  health.addShutdownHook({ ...loggerShutdownHook(log), phase: 'logger' })
  if (env.SENTRY_DSN) {
    const { checkInitOrder, initSentry, sentryShutdownHook } = await import('@kit/sentry')
    // A no-op when the preload already started Sentry; otherwise it starts late (a DSN kept in .env) and the warning below says so.
    initSentry(config.sentry ?? {}, { env: { ...process.env, SENTRY_DSN: env.SENTRY_DSN }, log })
    health.addShutdownHook({ ...sentryShutdownHook(), phase: 'sentry' })
    const warning = checkInitOrder({ env: { SENTRY_DSN: env.SENTRY_DSN } })
    if (warning) log.warn(warning)
  }
  const createMailer = mailerConfigured(config, env) ? (await import('@kit/mailer')).createMailer : undefined
  const ctx = createContext(
    framework,
    config,
    env,
    log,
    cwd,
    (hook) => health.addShutdownHook(hook),
    createMailer,
    (directory) => lockEmbeddedDatabase(directory, health, log),
  )

  if (env.DATABASE_URL) {
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
  const metricsOn = metricsTrigger(config, env, log)
  const metrics = metricsOn
    ? await createKitMetrics(config, ctx, log, health, metricsOn, allowedHost)
    : undefined
  const skip = metrics
    ? (req: IncomingMessage): boolean => health.isHealthPath(req) || metrics.isMetricsPath(req)
    : (req: IncomingMessage): boolean => health.isHealthPath(req)
  security =
    config.security === false
      ? undefined
      : createSecurity(securityOptions(config), {
          env,
          log,
          skip,
          // Body refusals reach the app's own error handler when it has one; kit's renders them otherwise.
          passBodyErrors: true,
        })
  const limits =
    config.rateLimit === false
      ? undefined
      : createRateLimits(withReportTier(config.rateLimit ?? {}, security), {
          env,
          log,
          skip,
          ...(env.REDIS_URL ? { redis: ctx.connections.redis() } : {}),
        })
  // Rate-limit stores close before the Redis client they use (same phase, registered later).
  if (limits) health.addShutdownHook({ ...limits.shutdownHook, phase: 'redis' })
  if (security) ctx.features.push('security headers', 'CSP nonces', 'CORS', 'CSRF', 'body limits')
  if (limits?.enabled) ctx.features.push(`rate limits (${env.REDIS_URL ? 'Redis' : 'memory'})`)
  const flags = config.flags ? await createKitFlags(config, ctx, log, health) : undefined
  return { ctx, log, health, security, limits, flags, metrics, skip }
}

/**
 * Startup tasks run by kit.listen(): a configured database is connected before
 * traffic arrives (loading the driver and opening the first connection would
 * otherwise stall the first request), and readiness stays 503 until it has
 * been tried.
 */
export function startConnections(
  ctx: KitContext,
  health: Health,
  log: Logger,
  flags: Flags | undefined,
  metrics: Metrics | undefined,
): void {
  if (metrics) health.waitFor('metrics', metrics.start())
  // Flags read the database once and subscribe to changes; readiness waits (start() is bounded by startTimeoutMs).
  if (flags) health.waitFor('flags', flags.start())
  // The embedded database's lock is taken on the first use of kit.db (embedded-lock.ts), not here.
  if (!ctx.env.DATABASE_URL) return
  // A database that is down at boot must not keep startup pending for ever:
  // the readiness check reports it, and recovers with it.
  const connected = ctx.connections
    .db()
    .raw('select 1')
    .then(
      () => undefined,
      (error: Error) =>
        log.warn({ err: { message: error.message } }, 'the database is unreachable at start-up'),
    )
  health.waitFor('database', connected)
}

/** The CSP report endpoint counts in the built-in 'reports' tier unless `rateLimit.routes` maps its path. */
function withReportTier(options: RateLimitOptions, security: Security | undefined): RateLimitOptions {
  const reportPath = security?.config.csp?.reportPath
  if (reportPath === undefined || options.routes?.[reportPath] !== undefined) return options
  return { ...options, routes: { ...options.routes, [reportPath]: 'reports' } }
}

/** config.security with the top-level `csp` and `silenceWarnings` of kit.config merged into it. */
function securityOptions(config: KitConfig): SecurityOptions {
  const given = config.security || {}
  // One kit.config list silences kit's start-up warnings and @kit/security's.
  const base: SecurityOptions = config.silenceWarnings
    ? {
        ...given,
        silenceWarnings: [...(given.silenceWarnings ?? []), ...(config.silenceWarnings as SecurityWarning[])],
      }
    : given
  if (config.csp === undefined) return base
  if (config.csp === false || base.csp === false) return { ...base, csp: false }
  const objectOf = <T>(value: T | boolean | undefined): T | undefined =>
    typeof value === 'object' ? value : undefined
  return { ...base, csp: { ...objectOf(base.csp), ...objectOf(config.csp) } }
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

/**
 * kit.flags from kit.config `flags`. `FLAG_*` variables are not in
 * the parsed env, so the flags read the raw environment.
 */
async function createKitFlags(
  config: KitConfig,
  ctx: KitContext,
  log: Logger,
  health: Health,
): Promise<Flags> {
  const { createFlags } = await import('@kit/flags')
  const knex = ctx.env.DATABASE_URL ? ctx.connections.db() : undefined
  const redis = ctx.env.REDIS_URL ? ctx.connections.redis() : undefined
  const flags = createFlags(config.flags ?? {}, config.flagOptions ?? {}, {
    env: config.envSource ?? process.env,
    log,
    cwd: ctx.cwd,
    ...(knex ? { knex } : {}),
    ...(redis ? { redis } : {}),
  })
  health.addShutdownHook({ ...flags.shutdownHook, phase: 'flags' })
  ctx.features.push(`feature flags (${knex ? 'database' : 'code, file and env'})`)
  return flags
}

/** kit's metrics: requests per route template, database queries, Redis errors, mail; alert mail through kit.mailer. */
async function createKitMetrics(
  config: KitConfig,
  ctx: KitContext,
  log: Logger,
  health: Health,
  trigger: string,
  allowedHost: (hostname: string) => boolean,
): Promise<Metrics> {
  const { createMetrics } = await import('@kit/metrics')
  const metrics = createMetrics(config.metrics || {}, {
    env: { ...process.env, ...ctx.env } as never,
    cwd: ctx.cwd,
    log,
    allowedHost,
    skip: (req) => health.isHealthPath(req),
    ...(ctx.mailerConfigured ? { mailer: () => ctx.mailer() } : {}),
    ...(ctx.env.REDIS_URL ? { redis: () => ctx.connections.redis() } : {}),
  })
  if (ctx.mailerConfigured) {
    // Count sends by provider and result once kit.mailer exists (it is created on first use).
    const createMailer = ctx.mailer
    let observed = false
    ctx.mailer = () => {
      const mailer = createMailer()
      if (!observed) {
        observed = true
        metrics.observeMailer(mailer)
      }
      return mailer
    }
  }
  if (ctx.env.DATABASE_URL) metrics.observeKnex(ctx.connections.db())
  if (ctx.env.REDIS_URL) metrics.observeRedis(ctx.connections.redis())
  health.addShutdownHook({ ...metrics.shutdownHook(), phase: 'metrics' })
  ctx.features.push(...metricsFeatures(metrics, trigger, config, ctx.env))
  return metrics
}
