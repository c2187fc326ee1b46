import { join, resolve } from 'node:path'
import { createDebug, ensureDirectory, type KitLogger, requireOptional } from '@kit/internal'
import type { Knex } from 'knex'
import { type DatabaseSslMode, parseDatabaseUrl } from './database-url.ts'

const debug = createDebug('core')

export interface DatabaseOptions {
  /** Cancels any statement running longer than this (SET statement_timeout; 0 turns it off). @default 30000 */
  statementTimeoutMs?: number
  /** Gives up waiting for a row or table lock after this long (SET lock_timeout; 0 turns it off). @default 10000 */
  lockTimeoutMs?: number
  /** Directory of the embedded database used when DATABASE_URL is unset. @default '.kit/pgdata' */
  embeddedDirectory?: string
}

export interface DatabaseEnv {
  NODE_ENV?: string
  DATABASE_URL?: string | undefined
  DATABASE_POOL_MAX?: number
  DATABASE_SSL?: DatabaseSslMode
  DYNO?: string | undefined
}

export interface Database {
  knex: Knex
  /** 'postgres' (a server), 'mysql', or 'pglite' (the embedded default). */
  kind: 'postgres' | 'mysql' | 'pglite'
  /** A description safe to log (no credentials). */
  description: string
}

/**
 * knex from DATABASE_URL: Postgres via pg, MySQL/MariaDB via mysql2, or the
 * embedded PGlite (real Postgres in WASM, no server) under `.kit/pgdata`.
 * Timeouts are set with SET after each connection is created, because
 * startup parameters are rejected by PgBouncer (GOTCHAS).
 */
export function createDatabase(
  env: DatabaseEnv,
  options: DatabaseOptions = {},
  context: { cwd?: string; log?: KitLogger } = {},
): Database {
  const statementTimeout = options.statementTimeoutMs ?? 30_000
  const lockTimeout = options.lockTimeoutMs ?? 10_000
  const { knex } = requireOptional<typeof import('knex')>('knex', 'The database connection')

  if (!env.DATABASE_URL) {
    const directory = resolve(
      context.cwd ?? process.cwd(),
      options.embeddedDirectory ?? join('.kit', 'pgdata'),
    )
    ensureDirectory(directory)
    const feature = 'The embedded database (used when DATABASE_URL is unset)'
    requireOptional('@electric-sql/pglite', feature)
    const pgliteDialect = requireOptional<{ default?: unknown }>('knex-pglite', feature)
    const ClientPgLite = pgliteDialect.default ?? pgliteDialect
    debug('database: embedded PGlite in %s', directory)
    return {
      knex: knex({
        client: ClientPgLite as Knex.Config['client'],
        dialect: 'postgres',
        connection: { filename: directory },
      } as Knex.Config),
      kind: 'pglite',
      description: `embedded PostgreSQL (PGlite) in ${directory}`,
    }
  }

  const url = parseDatabaseUrl(env.DATABASE_URL, env.DATABASE_SSL ?? 'auto', {
    production: env.NODE_ENV === 'production',
    heroku: Boolean(env.DYNO),
  })
  const poolMax = env.DATABASE_POOL_MAX ?? 10
  const where = `${url.host}:${url.port}/${url.database}`

  if (url.dialect === 'postgres') {
    requireOptional('pg', 'A PostgreSQL DATABASE_URL')
    debug('database: postgres %s ssl=%o pool=%d', where, url.ssl, poolMax)
    return {
      knex: knex({
        client: 'pg',
        connection: {
          host: url.host,
          port: url.port,
          user: url.user,
          password: url.password,
          database: url.database,
          ssl: url.ssl,
          application_name: url.params.application_name,
        },
        pool: {
          min: 0,
          max: poolMax,
          afterCreate: (
            conn: { query(sql: string, cb: (err: Error | null) => void): void },
            done: (err: Error | null, conn: unknown) => void,
          ) => {
            const settings = []
            if (statementTimeout > 0) settings.push(`SET statement_timeout = ${Math.floor(statementTimeout)}`)
            if (lockTimeout > 0) settings.push(`SET lock_timeout = ${Math.floor(lockTimeout)}`)
            if (settings.length === 0) return done(null, conn)
            conn.query(settings.join('; '), (err) => done(err, conn))
          },
        },
      }),
      kind: 'postgres',
      description: `PostgreSQL at ${where}`,
    }
  }

  requireOptional('mysql2', 'A MySQL/MariaDB DATABASE_URL')
  debug('database: mysql %s ssl=%o pool=%d', where, url.ssl, poolMax)
  return {
    knex: knex({
      client: 'mysql2',
      connection: {
        host: url.host,
        port: url.port,
        user: url.user,
        password: url.password,
        database: url.database,
        ...(url.ssl ? { ssl: url.ssl } : {}),
      },
      pool: {
        min: 0,
        max: poolMax,
        afterCreate: (
          conn: { query(sql: string, cb: (err: Error | null) => void): void },
          done: (err: Error | null, conn: unknown) => void,
        ) => {
          // MariaDB names it max_statement_time (seconds), MySQL max_execution_time (ms, SELECT only); lock waits are innodb_lock_wait_timeout (seconds).
          const settings: string[] = []
          if (lockTimeout > 0)
            settings.push(
              `SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(lockTimeout / 1000))}`,
            )
          if (settings.length === 0) return done(null, conn)
          conn.query(settings.join('; '), (err) => done(err, conn))
        },
      },
    }),
    kind: 'mysql',
    description: `MySQL/MariaDB at ${where}`,
  }
}
