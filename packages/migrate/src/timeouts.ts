import type { Knex } from 'knex'
import { type Dialect, rowsOf } from './dialect.ts'

export interface Timeouts {
  lockTimeoutMs: number
  statementTimeoutMs: number
}

/** Undoes session settings made for one migration. */
export type RestoreTimeouts = () => Promise<void>

// MySQL's largest values stand for "no limit" where 0 is not accepted.
const MYSQL_MAX_LOCK_WAIT = 31_536_000
const INNODB_MAX_LOCK_WAIT = 1_073_741_824

/**
 * Sets lock and statement timeouts for the statements of one migration.
 * `local` (Postgres, inside a transaction) ends with the transaction;
 * otherwise the session values are changed and the returned function puts
 * back what was there, so a shared connection (PGlite) is left as found.
 */
export async function applyTimeouts(
  db: Knex | Knex.Transaction,
  dialect: Dialect,
  timeouts: Timeouts,
  options: { local: boolean; mariadb: boolean },
): Promise<RestoreTimeouts> {
  if (dialect !== 'mysql') {
    const lock = `${timeouts.lockTimeoutMs}ms`
    const statement = `${timeouts.statementTimeoutMs}ms`
    if (options.local) {
      await db.raw("select set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)", [
        lock,
        statement,
      ])
      return async () => {}
    }
    // Outside a transaction the connection check is turned off too: a killed release's statement is left
    // to finish rather than cancelled half-way through a migration that cannot roll back (release-lock.md).
    const before = rowsOf<{ l: string; s: string; c: string | null }>(
      dialect,
      await db.raw(
        "select current_setting('lock_timeout') as l, current_setting('statement_timeout') as s, current_setting('client_connection_check_interval', true) as c",
      ),
    )[0]
    await db.raw("select set_config('lock_timeout', ?, false), set_config('statement_timeout', ?, false)", [
      lock,
      statement,
    ])
    if (before?.c != null) await db.raw("select set_config('client_connection_check_interval', '0', false)")
    return async () => {
      if (before) {
        await db.raw(
          "select set_config('lock_timeout', ?, false), set_config('statement_timeout', ?, false)",
          [before.l, before.s],
        )
        if (before.c != null) {
          await db.raw("select set_config('client_connection_check_interval', ?, false)", [before.c])
        }
      }
    }
  }
  const statementVar = options.mariadb ? 'max_statement_time' : 'max_execution_time'
  const before = rowsOf<{ l: number; i: number; s: number }>(
    dialect,
    await db.raw(
      `select @@session.lock_wait_timeout as l, @@session.innodb_lock_wait_timeout as i, @@session.${statementVar} as s`,
    ),
  )[0]
  const seconds =
    timeouts.lockTimeoutMs === 0 ? undefined : Math.max(1, Math.ceil(timeouts.lockTimeoutMs / 1000))
  const statement = options.mariadb ? timeouts.statementTimeoutMs / 1000 : timeouts.statementTimeoutMs
  await db.raw(`set session lock_wait_timeout = ?, innodb_lock_wait_timeout = ?, ${statementVar} = ?`, [
    seconds ?? MYSQL_MAX_LOCK_WAIT,
    seconds ?? INNODB_MAX_LOCK_WAIT,
    statement,
  ])
  return async () => {
    if (before) {
      await db.raw(`set session lock_wait_timeout = ?, innodb_lock_wait_timeout = ?, ${statementVar} = ?`, [
        before.l,
        before.i,
        before.s,
      ])
    }
  }
}

export type FailureKind = 'lock-timeout' | 'deadlock' | 'statement-timeout' | 'other'

/** Sorts a database error: lock waits and deadlocks are retried, a statement timeout is not. */
export function classifyFailure(error: unknown): FailureKind {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : undefined
  const errno = typeof e?.errno === 'number' ? e.errno : undefined
  const message = typeof e?.message === 'string' ? e.message : ''
  if (code === '55P03' || errno === 1205 || code === 'ER_LOCK_WAIT_TIMEOUT') return 'lock-timeout'
  if (code === '40P01' || errno === 1213 || code === 'ER_LOCK_DEADLOCK') return 'deadlock'
  if ((code === '57014' && /statement timeout/i.test(message)) || errno === 1969 || errno === 3024) {
    return 'statement-timeout'
  }
  return 'other'
}

/** MariaDB and MySQL name the statement timeout differently. */
export async function isMariaDb(db: Knex, dialect: Dialect): Promise<boolean> {
  if (dialect !== 'mysql') return false
  const row = rowsOf<{ v: string }>(dialect, await db.raw('select version() as v'))[0]
  return /mariadb/i.test(row?.v ?? '')
}
