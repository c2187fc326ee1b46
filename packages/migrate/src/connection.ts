import { KitError, type KitLogger, knexLogOptions, redactString } from '@kit/internal'
import knexFactory, { type Knex } from 'knex'
import { type Dialect, detectDialect } from './dialect.ts'
import type { KnexSource } from './options.ts'

/** The database a command works on, and whether we created (and so must destroy) it. */
export interface Connection {
  knex: Knex
  dialect: Dialect
  owned: boolean
}

function isKnexInstance(source: KnexSource): source is Knex {
  return typeof (source as Knex).raw === 'function' && typeof (source as Knex).destroy === 'function'
}

/** Calls the factory (if any), detects the dialect and proves the database answers. */
export async function connect(source: KnexSource): Promise<Connection> {
  const owned = !isKnexInstance(source)
  const knex = owned ? await (source as () => Knex | Promise<Knex>)() : (source as Knex)
  if (!knex || !isKnexInstance(knex)) {
    throw new KitError(
      'KIT_MIGRATE_INVALID_OPTION',
      'Option `knex` is a function that did not return a knex instance. Return `knex({ client, connection })` from it.',
    )
  }
  try {
    const dialect = detectDialect(knex)
    await knex.raw('select 1')
    return { knex, dialect, owned }
  } catch (error) {
    if (owned) await knex.destroy().catch(() => {})
    if (error instanceof KitError) throw error
    throw new KitError(
      'KIT_MIGRATE_CONNECT_FAILED',
      `Could not reach the database: ${redactString(describe(error))}. Check DATABASE_URL and that the server accepts connections.`,
      { cause: error },
    )
  }
}

export async function disconnect(connection: Connection | undefined): Promise<void> {
  if (connection?.owned) await connection.knex.destroy()
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: string }).code
  // AggregateError (IPv4 + IPv6 both refused) has an empty message.
  const message = error.message || (error as { errors?: Error[] }).errors?.[0]?.message || error.name
  return code && !message.includes(code) ? `${message} (${code})` : message
}

/** The connection settings knex resolved, with the password knex hides from enumeration put back. */
export function connectionSettings(knex: Knex): Record<string, unknown> | string {
  const client = knex.client as { connectionSettings?: unknown; config: Knex.Config }
  const settings = client.connectionSettings ?? client.config.connection
  if (typeof settings === 'string') return settings
  if (!settings || typeof settings !== 'object') return {}
  const copy: Record<string, unknown> = { ...(settings as Record<string, unknown>) }
  const password = (settings as { password?: unknown }).password
  if (password !== undefined) copy.password = password
  return copy
}

/** The knex migrations run on, and whether every query of it goes to one pinned server session. */
export interface RunnerKnex {
  knex: Knex
  /** One connection, never replaced while idle: the release lock can be held on it (see session.ts). */
  pinned: boolean
  close(): Promise<void>
}

// tarn reaps idle connections above `min` after idleTimeoutMillis; the lock session must never be reaped.
const NEVER_MS = 2 ** 31 - 1

/**
 * A knex with exactly one connection, for applying migrations: session
 * settings (lock_timeout, statement_timeout) set before a non-transactional
 * migration then hold for every statement it runs, and the release lock is
 * taken on that same session. PGlite already has a single connection, so its
 * knex is used as is.
 */
export function singleConnectionKnex(connection: Connection, log: KitLogger): RunnerKnex {
  if (connection.dialect === 'pglite') return { knex: connection.knex, pinned: false, close: async () => {} }
  const config = (connection.knex.client as { config: Knex.Config & { connectionPool?: unknown } }).config
  // An external pool (knex's `connectionPool`) cannot be narrowed to one connection: use it as is,
  // so only transactional migrations get their timeouts pinned (SET LOCAL inside the transaction).
  if (config.connectionPool) return { knex: connection.knex, pinned: false, close: async () => {} }
  const provider = typeof config.connection === 'function' ? config.connection : undefined
  const knex = knexFactory({
    ...config,
    connection: (provider ?? connectionSettings(connection.knex)) as Knex.Config['connection'],
    pool: { ...config.pool, min: 1, max: 1, idleTimeoutMillis: NEVER_MS },
    // The app's knex may route its warnings already (createDatabase does); otherwise, to the release's logger.
    log: config.log ?? knexLogOptions(log),
  })
  return { knex, pinned: true, close: () => knex.destroy() }
}
