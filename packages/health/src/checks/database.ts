import { type HealthCheck, KitError } from '@kit/internal'

/** The part of a knex instance the check uses. */
export interface KnexLike {
  raw(sql: string): PromiseLike<unknown> & { timeout?(ms: number): PromiseLike<unknown> }
}

export interface DbCheckOptions {
  /** @default 'db' */
  name?: string
  /** A failing database makes readiness 503. @default true */
  critical?: boolean
  /** @default 2000 */
  timeoutMs?: number
  /** @default 0 */
  cacheForMs?: number
  /** @default 'select 1' */
  query?: string
}

/**
 * `select 1` through the app's own pool, so it also proves a connection can
 * be acquired. knex's own query timeout is set too, so a wedged query
 * releases its pool slot instead of piling up behind later probes.
 */
export function dbCheck(knex: KnexLike, options: DbCheckOptions = {}): HealthCheck {
  if (!knex || typeof knex.raw !== 'function') {
    throw new KitError(
      'KIT_HEALTH_INVALID_CHECK',
      'dbCheck(knex) needs a knex instance (an object with raw()).',
    )
  }
  const timeoutMs = options.timeoutMs ?? 2000
  const query = options.query ?? 'select 1'
  return {
    name: options.name ?? 'db',
    critical: options.critical ?? true,
    timeoutMs,
    cacheForMs: options.cacheForMs ?? 0,
    async check() {
      const builder = knex.raw(query)
      await (typeof builder.timeout === 'function' ? builder.timeout(timeoutMs) : builder)
    },
  }
}
