import type { Server } from 'node:http'
import type { FlagDefinitions, Flags } from '@kit/flags'
import type { KitLogger, KitRedis } from '@kit/internal'
import type { Mailer } from '@kit/mailer'
import type { Knex } from 'knex'

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
  /** Express only: a per-route rate-limit tier, `app.post('/x', kit.limit('ai'), handler)`. On Fastify use route `config: { rateLimit: 'ai' }`. */
  limit?(tier: string): (req: any, res: any, next: (error?: unknown) => void) => void
  /** Starts the HTTP server: adds the 404 and error handlers, attaches graceful shutdown. */
  listen(options?: ListenOptions): Promise<Server>
  /** Graceful shutdown (what SIGTERM does), without exiting the process. */
  shutdown(): Promise<void>
}
