import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { KitError } from '@kit/internal'
import type { Knex } from 'knex'
import type { Dialect } from '../dialect.ts'
import { type RawClient, rawQuery } from '../raw.ts'
import type { LockWaitOptions, ReleaseLock } from './types.ts'

/** A 63-bit key (positive, so pg_locks' classid/objid halves read back simply) for pg_advisory_lock. */
export function postgresLockKey(tableName: string): string {
  const digest = createHash('sha256').update(`kit-migrate:${tableName}`).digest()
  return (digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString()
}

/** GET_LOCK names are server-wide (max 64 chars): include the database. */
export function mysqlLockName(database: string, tableName: string): string {
  return `kit_migrate_${createHash('sha256').update(`${database}:${tableName}`).digest('hex').slice(0, 40)}`
}

/**
 * The release lock on a server database: a session advisory lock
 * (pg_try_advisory_lock / GET_LOCK) on a connection of its own, outside the
 * pool. When the process dies, the server closes that session and frees the
 * lock, so a killed release never blocks the next one.
 */
export async function acquireAdvisoryLock(
  knex: Knex,
  dialect: Exclude<Dialect, 'pglite'>,
  tableName: string,
  options: LockWaitOptions,
): Promise<ReleaseLock> {
  const client = knex.client as unknown as RawClient
  const connection = await client.acquireRawConnection()
  let lost = false
  connection.on?.('end', () => {
    lost = true
  })
  const query = (sql: string, values: unknown[]) => rawQuery(dialect, connection, sql, values)
  try {
    const key =
      dialect === 'postgres'
        ? postgresLockKey(tableName)
        : mysqlLockName(String((await query('select database() as db', []))[0]?.db ?? ''), tableName)
    const tryLock =
      dialect === 'postgres'
        ? 'select pg_try_advisory_lock($1::bigint) as locked'
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
    const unlock =
      dialect === 'postgres'
        ? 'select pg_advisory_unlock($1::bigint) as unlocked'
        : 'select RELEASE_LOCK(?) as unlocked'
    return {
      holder: 'this process',
      async release() {
        try {
          if (!lost) await query(unlock, [key])
        } finally {
          await client.destroyRawConnection(connection).catch(() => {})
        }
      },
    }
  } catch (error) {
    await client.destroyRawConnection(connection).catch(() => {})
    throw error
  }
}

async function describeHolder(
  dialect: Exclude<Dialect, 'pglite'>,
  query: (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
  key: string,
): Promise<string> {
  try {
    if (dialect === 'mysql') {
      const id = (await query('select IS_USED_LOCK(?) as id', [key]))[0]?.id
      return id == null ? 'held by another session' : `held by MySQL connection ${id}`
    }
    const rows = await query(
      `select a.pid, a.backend_start, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and l.database = (select oid from pg_database where datname = current_database())
       and ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [key],
    )
    const row = rows[0]
    if (!row) return 'held by another session'
    const since = row.backend_start instanceof Date ? ` since ${row.backend_start.toISOString()}` : ''
    return `held by Postgres backend pid ${row.pid}${since}`
  } catch {
    return 'held by another session'
  }
}
