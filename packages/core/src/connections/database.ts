import { join, resolve } from 'node:path'
import {
  createDebug,
  describeDatabaseUrl,
  ensureDirectory,
  isKitError,
  KitError,
  type KitLogger,
  knexLogOptions,
  requireOptional,
  silentLogger,
} from '@kit/internal'
import type { Knex } from 'knex'
import { boundQueries, type DriverConnection, explainAcquireErrors } from './bounded-knex.ts'
import {
  type DatabaseTimeoutOptions,
  type DatabaseTimeouts,
  resolveDatabaseTimeouts,
} from './database-timeouts.ts'
import { type DatabaseSslMode, type ParsedDatabaseUrl, parseDatabaseUrl } from './database-url.ts'

const debug = createDebug('core')

/** Time bounds (docs/health-and-shutdown.md, "Database time bounds") and where the embedded database lives. */
export interface DatabaseOptions extends DatabaseTimeoutOptions {
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
 * Server timeouts are set with SET after each connection is created, because
 * startup parameters are rejected by PgBouncer (GOTCHAS); connect, acquire,
 * query and keepalive are bounded on the client (database-timeouts.ts), so
 * no request waits for ever on a database it cannot hear.
 */
export function createDatabase(
  env: DatabaseEnv,
  options: DatabaseOptions = {},
  context: {
    cwd?: string
    log?: KitLogger
    /** Connect here instead of DATABASE_URL: a knexfile's connection (`kit release`, see cli/knexfile.ts). */
    target?: ParsedDatabaseUrl
  } = {},
): Database {
  const timeouts = resolveDatabaseTimeouts(options)
  const statementTimeout = timeouts.statementTimeoutMs
  const lockTimeout = timeouts.lockTimeoutMs
  const { knex } = requireOptional<typeof import('knex')>('knex', 'The database connection')

  if (!env.DATABASE_URL && !context.target) {
    const directory = resolve(
      context.cwd ?? process.cwd(),
      options.embeddedDirectory ?? join('.kit', 'pgdata'),
    )
    ensureDirectory(directory)
    const ClientPgLite = loadEmbeddedDialect()
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

  const url =
    context.target ??
    parseDatabaseUrl(env.DATABASE_URL!, env.DATABASE_SSL ?? 'auto', {
      production: env.NODE_ENV === 'production',
      heroku: Boolean(env.DYNO),
    })
  const poolMax = env.DATABASE_POOL_MAX ?? 10
  const where = describeDatabaseUrl(url)

  if (url.dialect === 'postgres') {
    requireOptional('pg', 'A PostgreSQL DATABASE_URL')
    debug('database: postgres %s ssl=%o pool=%d timeouts=%o', where, url.ssl, poolMax, timeouts)
    const description = `PostgreSQL at ${where}`
    const db = knex({
      client: 'pg',
      log: knexLogOptions(context.log ?? silentLogger),
      acquireConnectionTimeout: timeouts.acquireTimeoutMs,
      connection: {
        connectionTimeoutMillis: timeouts.connectTimeoutMs,
        keepAlive: true,
        keepAliveInitialDelayMillis: timeouts.keepAliveDelayMs,
        host: url.host,
        port: url.port,
        user: url.user,
        password: url.password,
        database: url.database,
        ssl: url.ssl,
        // `options` carries `-c search_path=...` and other server settings from the URL, as libpq does.
        ...pick(url.params, PG_PARAMS),
      },
      pool: boundedPool(poolMax, timeouts, description, destroyPgSocket, [
        ...(statementTimeout > 0 ? [`SET statement_timeout = ${Math.floor(statementTimeout)}`] : []),
        ...(lockTimeout > 0 ? [`SET lock_timeout = ${Math.floor(lockTimeout)}`] : []),
      ]),
    })
    explainAcquireErrors(db, timeouts, description)
    return { knex: db, kind: 'postgres', description }
  }

  requireOptional('mysql2', 'A MySQL/MariaDB DATABASE_URL')
  debug('database: mysql %s ssl=%o pool=%d timeouts=%o', where, url.ssl, poolMax, timeouts)
  const description = `MySQL/MariaDB at ${where}`
  const db = knex({
    client: 'mysql2',
    log: knexLogOptions(context.log ?? silentLogger),
    acquireConnectionTimeout: timeouts.acquireTimeoutMs,
    connection: {
      connectTimeout: timeouts.connectTimeoutMs,
      enableKeepAlive: true,
      keepAliveInitialDelay: timeouts.keepAliveDelayMs,
      ...(url.socket ? { socketPath: url.host } : { host: url.host, port: url.port }),
      user: url.user,
      password: url.password,
      database: url.database,
      ...(url.ssl ? { ssl: url.ssl } : {}),
    },
    // MariaDB names it max_statement_time (seconds), MySQL max_execution_time (ms, SELECT only); lock waits are innodb_lock_wait_timeout (seconds).
    pool: boundedPool(
      poolMax,
      timeouts,
      description,
      (conn) => (conn as unknown as { destroy(): void }).destroy(),
      lockTimeout > 0
        ? [`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(lockTimeout / 1000))}`]
        : [],
    ),
  })
  explainAcquireErrors(db, timeouts, description)
  return { knex: db, kind: 'mysql', description }
}

/** URL parameters node-postgres takes as connection settings (libpq's names). */
const PG_PARAMS = ['application_name', 'fallback_application_name', 'options', 'client_encoding'] as const

function pick(params: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const key of keys) if (params[key] !== undefined) picked[key] = params[key]
  return picked
}

type SettingsConnection = { query(sql: string, cb: (err: Error | null) => void): void }

/** The pool of both drivers: every query bounded (bounded-knex.ts), then the session settings sent once per connection. */
function boundedPool(
  max: number,
  timeouts: DatabaseTimeouts,
  description: string,
  destroy: (conn: DriverConnection) => void,
  settings: string[],
): Knex.PoolConfig {
  return {
    min: 0,
    max,
    afterCreate: (conn: SettingsConnection, done: (err: Error | null, conn: unknown) => void) => {
      boundQueries(conn as DriverConnection, timeouts, description, destroy)
      if (settings.length === 0) return done(null, conn)
      conn.query(settings.join('; '), (err) => done(err, conn))
    },
  }
}

/**
 * pg's Client has no public destroy(); ending it politely would wait on the
 * very socket that stopped answering. Destroying the socket makes pg emit
 * 'end', which knex's pool already treats as a dead connection.
 */
function destroyPgSocket(conn: DriverConnection): void {
  const pg = conn as { connection?: { stream?: { destroy(): void } }; end?(): unknown }
  if (pg.connection?.stream) pg.connection.stream.destroy()
  else void pg.end?.()
}

/**
 * PGlite (about 27 MB) and its knex dialect are optional peers, not
 * dependencies: a production install with DATABASE_URL never carries them.
 * They are required only when kit.db is first used without DATABASE_URL.
 */
function loadEmbeddedDialect(): unknown {
  const feature = 'The embedded database (used when DATABASE_URL is unset)'
  try {
    requireOptional('@electric-sql/pglite', feature)
    const dialect = requireOptional<{ default?: unknown }>('knex-pglite', feature)
    return dialect.default ?? dialect
  } catch (error) {
    if (!isKitError(error) || error.code !== 'KIT_INTERNAL_MISSING_DEPENDENCY') throw error
    throw new KitError(
      'KIT_CORE_EMBEDDED_DATABASE_MISSING',
      'DATABASE_URL is unset, so kit.db would use the embedded database (PGlite in .kit/pgdata), but its packages are not installed. Install them for development: `npm install --save-dev @electric-sql/pglite knex-pglite`, or set DATABASE_URL to a PostgreSQL or MySQL/MariaDB server.',
      { cause: error },
    )
  }
}
