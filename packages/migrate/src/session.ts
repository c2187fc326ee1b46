import { type Connection, connect, disconnect, type RunnerKnex, singleConnectionKnex } from './connection.ts'
import { debug } from './debug.ts'
import { rowsOf } from './dialect.ts'
import { History } from './history.ts'
import { Interrupted } from './interrupted.ts'
import { acquireAdvisoryLock, type LockSession } from './lock/advisory-lock.ts'
import { acquireFileLock } from './lock/file-lock.ts'
import type { LockWaitOptions, ReleaseLock } from './lock/types.ts'
import type { MigrateConfig } from './options.ts'
import { type RawClient, rawQuery } from './raw.ts'
import type { StepTimer } from './steps.ts'

/** A connected database, with the release lock held when asked for. */
export interface Session {
  connection: Connection
  history: History
  /** Migrations started outside a transaction whose release never said how they ended. */
  interrupted: Interrupted
  /** The knex migrations run on (only with the release lock): on a server, the lock's own session. */
  runner?: RunnerKnex
  /** The release lock (server databases, `advisory: true`). */
  lock?: ReleaseLock
  /** Releases the locks and closes what we opened, in reverse order. */
  close(): Promise<void>
}

/**
 * Connects and takes the release lock. With a lock file (embedded PGlite),
 * the file is locked before the database is opened: one process at a time
 * may open a PGlite data directory. Server databases take an advisory lock
 * after connecting, on the single connection the migrations then run on.
 * `advisory: false` (status) skips the advisory lock but never the file lock.
 */
export async function openSession(
  config: MigrateConfig,
  steps: StepTimer,
  options: { advisory: boolean; waitForLockMs?: number },
): Promise<Session> {
  const wait: LockWaitOptions = {
    waitMs: options.waitForLockMs ?? config.waitForLockMs,
    onWait: ({ waitedMs, holder }) => {
      config.report({ type: 'waiting', waitedMs, holder })
      config.log.warn({ waitedMs, holder }, 'waiting for the release lock')
    },
  }
  let fileLock: ReleaseLock | undefined
  let connection: Connection | undefined
  let advisory: ReleaseLock | undefined
  let runner: RunnerKnex | undefined
  const close = async () => {
    try {
      await advisory?.release()
      await runner?.close()
    } finally {
      try {
        await disconnect(connection)
      } finally {
        await fileLock?.release()
      }
    }
  }
  try {
    const lockFile = config.lockFile
    if (lockFile) {
      fileLock = await steps.run('lock', async () => {
        const lock = await acquireFileLock(lockFile, wait)
        return { value: lock, detail: `lock file ${lockFile}` }
      })
    }
    connection = await steps.run('connect', async () => {
      const value = await connect(config.knex)
      return { value, detail: value.dialect }
    })
    const open = connection
    const { dialect } = open
    if (options.advisory) runner = singleConnectionKnex(open, config.log)
    if (options.advisory && dialect !== 'pglite' && runner) {
      const on = runner
      advisory = await steps.run('lock', async () => {
        const session = on.pinned ? runnerSession(on, dialect) : await rawSession(open)
        // One lock per history table: a schema-qualified table is another history, with its own lock.
        const name = config.schemaName ? `${config.schemaName}.${config.tableName}` : config.tableName
        const lock = await acquireAdvisoryLock(session, dialect, name, wait)
        // The runner is closed by the lock's release (it is the lock's session) when pinned.
        if (on.pinned) runner = { ...on, close: async () => {} }
        const what =
          dialect === 'postgres'
            ? `pg advisory lock, backend ${lock.session}`
            : `GET_LOCK, connection ${lock.session}`
        return { value: lock, detail: what }
      })
    }
    debug(
      'session: %s, advisory lock %s, lock file %s',
      dialect,
      advisory ? `held by ${advisory.session}` : 'not taken',
      lockFile ?? '-',
    )
    const session: Session = {
      connection: open,
      history: new History(open.knex, config.tableName, config.schemaName),
      interrupted: new Interrupted(open.knex, config.tableName, config.schemaName),
      close,
    }
    if (runner) session.runner = runner
    if (advisory) session.lock = advisory
    return session
  } catch (error) {
    await close().catch(() => {})
    throw error
  }
}

/** The lock on the migrations' own connection (knex with a pool of exactly one). */
function runnerSession(runner: RunnerKnex, dialect: Connection['dialect']): LockSession {
  return {
    query: async (sql, values) => rowsOf(dialect, await runner.knex.raw(sql, values as never[])),
    close: () => runner.close(),
  }
}

/** An external pool cannot be pinned: the lock takes a connection of its own, outside that pool. */
async function rawSession(connection: Connection): Promise<LockSession> {
  const client = connection.knex.client as unknown as RawClient
  const raw = await client.acquireRawConnection()
  return {
    query: (sql, values) => rawQuery(connection.dialect, raw, sql, values),
    close: () => client.destroyRawConnection(raw),
  }
}
