import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { KitError, redactString } from '@kit/internal'
import type { Dialect } from '../dialect.ts'
import type { LockWaitOptions, ReleaseLock } from './types.ts'

/** One query on the lock's session, `?` placeholders, rows back. */
export type SessionQuery = (sql: string, values: unknown[]) => Promise<Record<string, any>[]>

/** The server session the lock is taken on: the connection migrations run on (see session.ts). */
export interface LockSession {
  query: SessionQuery
  /** Closes the session (called after the lock is released, or when taking it failed). */
  close(): Promise<void>
}

type ServerDialect = Exclude<Dialect, 'pglite'>

/** A 63-bit key (positive, so pg_locks' classid/objid halves read back simply) for pg_advisory_lock. */
export function postgresLockKey(tableName: string): string {
  const digest = createHash('sha256').update(`kit-migrate:${tableName}`).digest()
  return (digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString()
}

/** GET_LOCK names are server-wide (max 64 chars): include the database. */
export function mysqlLockName(database: string, tableName: string): string {
  return `kit_migrate_${createHash('sha256').update(`${database}:${tableName}`).digest('hex').slice(0, 40)}`
}

/** The application_name kit's release sessions carry, so an earlier release's backends can be found. */
export const RELEASE_APPLICATION_NAME = 'kit release'

/**
 * The release lock on a server database: a session advisory lock
 * (pg_try_advisory_lock / GET_LOCK) held by the very session that runs the
 * migrations. Both databases keep running a statement whose client was
 * killed (Postgres notices a dead client only when it next writes to it,
 * MySQL likewise), and both free a session lock only when that session ends:
 * so a killed release's lock stays held until its last statement is over,
 * and the next release waits for it instead of running the same statement
 * beside it. docs/internals/release-lock.md has the details.
 */
export async function acquireAdvisoryLock(
  session: LockSession,
  dialect: ServerDialect,
  tableName: string,
  options: LockWaitOptions,
): Promise<ReleaseLock> {
  const { query } = session
  try {
    const key =
      dialect === 'postgres'
        ? postgresLockKey(tableName)
        : mysqlLockName(String((await query('select database() as db', []))[0]?.db ?? ''), tableName)
    const tryLock =
      dialect === 'postgres'
        ? 'select pg_try_advisory_lock(?::bigint) as locked'
        : 'select GET_LOCK(?, 0) as locked'
    const started = Date.now()
    let lastNotice = -Infinity
    for (;;) {
      const locked = (await query(tryLock, [key]))[0]?.locked
      if (locked === true || Number(locked) === 1) break
      const waited = Date.now() - started
      const holder = await describeHolder(dialect, query, key)
      if (waited >= options.waitMs) {
        throw new KitError(
          'KIT_MIGRATE_LOCK_TIMEOUT',
          `Another release still holds the migration lock (${holder}) after waiting ${Math.round(waited / 1000)} s (waitForLockMs=${options.waitMs}). Let it finish, or stop it: the lock is freed when its session ends.`,
        )
      }
      if (waited - lastNotice >= (options.noticeEveryMs ?? 10_000)) {
        lastNotice = waited
        options.onWait?.({ waitedMs: waited, holder })
      }
      await sleep(options.pollMs ?? 250)
    }
    const self = await tagSession(dialect, query, key)
    if (dialect === 'postgres') await waitForEarlierReleases(query, key, self, started, options)
    return {
      holder: 'this process',
      session: self,
      heartbeat: () => heartbeat(dialect, query, key, self),
      async release() {
        try {
          const unlock =
            dialect === 'postgres'
              ? 'select pg_advisory_unlock(?::bigint) as unlocked'
              : 'select RELEASE_LOCK(?) as unlocked'
          await query(unlock, [key]).catch(() => {})
        } finally {
          await session.close().catch(() => {})
        }
      },
    }
  } catch (error) {
    await session.close().catch(() => {})
    throw error
  }
}

/**
 * Names the session (Postgres: application_name, seen in pg_stat_activity)
 * and returns its server id. Postgres 14+ also checks the client socket
 * while a statement runs (client_connection_check_interval), so a killed
 * release's transactional migration is cancelled within a second instead of
 * running to its end; runner.ts turns that off around non-transactional
 * migrations, whose statements are left to finish (see release-lock.md).
 */
async function tagSession(dialect: ServerDialect, query: SessionQuery, key: string): Promise<string> {
  if (dialect === 'mysql') return String((await query('select connection_id() as id', []))[0]?.id)
  const name = `${RELEASE_APPLICATION_NAME} ${key.slice(0, 8)} pid ${process.pid}`
  await query("select set_config('application_name', ?, false)", [name])
  await query("select set_config('client_connection_check_interval', '1s', false)", []).catch(() => {
    // Before Postgres 14, or a platform without the check: statements then run to their end.
  })
  return String((await query('select pg_backend_pid() as pid', []))[0]?.pid)
}

/**
 * Before anything is applied: backends tagged by an earlier release of this
 * history table that still run a statement (a killed release whose migrations
 * ran outside its lock session: an external connection pool, or an older
 * kit) are waited for, with progress, then refused.
 */
async function waitForEarlierReleases(
  query: SessionQuery,
  key: string,
  self: string,
  started: number,
  options: LockWaitOptions,
): Promise<void> {
  let lastNotice = -Infinity
  for (;;) {
    const rows = await query(
      `select pid, state, left(query, 200) as query, round(extract(epoch from now() - query_start)) as seconds
       from pg_stat_activity where datname = current_database() and application_name like ? and pid <> ?::int and state <> 'idle'`,
      [`${RELEASE_APPLICATION_NAME} ${key.slice(0, 8)} %`, self],
    )
    if (rows.length === 0) return
    const running = rows.map((row) => describeBackend(row)).join('; ')
    const waited = Date.now() - started
    if (waited >= options.waitMs) {
      throw new KitError(
        'KIT_MIGRATE_EARLIER_RELEASE_RUNNING',
        `An earlier release's statement is still running on the database (${running}) after waiting ${Math.round(waited / 1000)} s: nothing was applied, so it cannot run twice. Let it finish, or cancel it with \`select pg_cancel_backend(<pid>)\`, then release again.`,
      )
    }
    if (waited - lastNotice >= (options.noticeEveryMs ?? 10_000)) {
      lastNotice = waited
      options.onWait?.({ waitedMs: waited, holder: `an earlier release still runs: ${running}` })
    }
    await sleep(options.pollMs ?? 250)
  }
}

/** Proves, before each migration, that the lock session is still the one that took the lock. */
async function heartbeat(dialect: ServerDialect, query: SessionQuery, key: string, self: string) {
  let row: Record<string, unknown> | undefined
  try {
    row =
      dialect === 'postgres'
        ? (
            await query(
              `select pg_backend_pid() as id, exists(select 1 from pg_locks where locktype = 'advisory' and granted
               and pid = pg_backend_pid() and objsubid = 1 and ((classid::bigint << 32) | objid::bigint) = ?::bigint) as held`,
              [key],
            )
          )[0]
        : (await query('select connection_id() as id, IS_USED_LOCK(?) = connection_id() as held', [key]))[0]
  } catch (error) {
    throw lockLost(`the lock session does not answer: ${redactString((error as Error).message)}`, error)
  }
  if (String(row?.id) !== self) throw lockLost(`the lock session ${self} was replaced by ${String(row?.id)}`)
  if (!(row?.held === true || Number(row?.held) === 1)) throw lockLost(`session ${self} no longer holds it`)
}

function lockLost(why: string, cause?: unknown): KitError {
  return new KitError(
    'KIT_MIGRATE_LOCK_LOST',
    `The release lost its migration lock (${why}), so nothing more was applied: another release may be running. Run \`kit migrate status\`, then release again.`,
    cause === undefined ? {} : { cause },
  )
}

function describeBackend(row: Record<string, unknown>): string {
  const statement = redactString(
    String(row.query ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
  )
  return `backend pid ${row.pid} ${row.state ?? ''} for ${row.seconds ?? '?'} s: ${statement}`
}

async function describeHolder(dialect: ServerDialect, query: SessionQuery, key: string): Promise<string> {
  try {
    if (dialect === 'mysql') {
      const row = (
        await query(
          `select id, command, time, left(info, 200) as info from information_schema.processlist where id = IS_USED_LOCK(?)`,
          [key],
        )
      )[0]
      if (!row) return 'held by another session'
      const info = row.info
        ? `, running for ${row.time} s: ${redactString(String(row.info).replace(/\s+/g, ' '))}`
        : ''
      return `held by MySQL connection ${row.id}${info}; stop it with KILL QUERY ${row.id} (or KILL ${row.id})`
    }
    const rows = await query(
      `select a.pid, a.backend_start, a.application_name, a.state, left(a.query, 200) as query,
       round(extract(epoch from now() - a.query_start)) as seconds
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and l.database = (select oid from pg_database where datname = current_database())
       and ((l.classid::bigint << 32) | l.objid::bigint) = ?::bigint`,
      [key],
    )
    const row = rows[0]
    if (!row) return 'held by another session'
    const since = row.backend_start instanceof Date ? ` since ${row.backend_start.toISOString()}` : ''
    const running = row.state === 'active' ? `, ${describeBackend(row).replace(/^backend pid \S+ /, '')}` : ''
    return `held by Postgres backend pid ${row.pid}${since}${running}; cancel its statement with select pg_cancel_backend(${row.pid})`
  } catch {
    return 'held by another session'
  }
}
