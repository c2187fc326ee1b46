import type { Server } from 'node:http'
import type { FlagDefinitions, Flags } from '@kit/flags'
import type { ShutdownPhase } from '@kit/health'
import type { KitLogger, KitRedis } from '@kit/internal'
import type { Mailer } from '@kit/mailer'
import type { Knex } from 'knex'

/** The shutdown phases of DESIGN §7, in the order they run after the drain (see @kit/health SHUTDOWN_PHASES). */
export type { ShutdownPhase } from '@kit/health'

export interface OnShutdownOptions {
  /** When the step runs: with the app's own steps by default, before kit closes flags, mail, Redis and the database. @default 'app' */
  phase?: ShutdownPhase
  /** The step fails (exit code 1) past this. @default 5000 */
  timeoutMs?: number
}

export interface ListenOptions {
  /** @default PORT from env (3000) */
  port?: number
  /**
   * An explicit interface, never the framework's guess. @default HOST from
   * env, else '0.0.0.0' in production (platform routers connect from outside
   * the dyno) and '127.0.0.1' elsewhere.
   */
  host?: string
}

/**
 * What `productionize()` returns (DESIGN §1). `db` and `redis` exist only when
 * configured and are created on first access.
 */
export interface Kit<Env = Record<string, unknown>, F extends FlagDefinitions = FlagDefinitions> {
  readonly env: Env
  readonly log: KitLogger
  /** knex: DATABASE_URL (Postgres, MySQL/MariaDB), else the embedded PGlite under .kit/pgdata. */
  readonly db: Knex
  /** ioredis with fail-fast settings; only when REDIS_URL is set. */
  readonly redis?: KitRedis
  /** One send API over the MAIL_PROVIDER chain; in development `.eml` files under .kit/mail. Absent when no provider is configured. */
  readonly mailer?: Mailer
  /** Typed feature flags from kit.config `flags`; only when flags are defined. Per request: req.flags / request.flags. */
  readonly flags?: Flags<F>
  /** Express only: a per-route rate-limit tier, `app.post('/x', kit.limit('ai'), handler)`. On Fastify use route `config: { kitRateLimit: 'ai' }` (`config.rateLimit` is @fastify/rate-limit's). */
  limit?(tier: string): (req: any, res: any, next: (error?: unknown) => void) => void
  /**
   * Starts the HTTP server and attaches graceful shutdown. Rejects with a
   * KitError (KIT_CORE_PORT_IN_USE) when the port is taken, so the process
   * exits non-zero. The 404 and error handlers do not need it (tests and
   * serverless handlers can use the app directly).
   */
  listen(options?: ListenOptions): Promise<Server>
  /**
   * Adds a step to graceful shutdown, e.g. `kit.onShutdown('queue', () => queue.close())`.
   * Steps run after in-flight requests finished, phase by phase (DESIGN §7:
   * framework close, app steps, flags, metrics, mailer, Redis, database, Sentry,
   * logger); within a phase, the last one added runs first.
   */
  onShutdown(name: string, close: () => unknown, options?: OnShutdownOptions): void
  /** Graceful shutdown (what SIGTERM does), without exiting the process. */
  shutdown(): Promise<void>
}
