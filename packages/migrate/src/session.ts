import { type Connection, connect, disconnect } from './connection.ts'
import { debug } from './debug.ts'
import { History } from './history.ts'
import { acquireAdvisoryLock } from './lock/advisory-lock.ts'
import { acquireFileLock } from './lock/file-lock.ts'
import type { LockWaitOptions, ReleaseLock } from './lock/types.ts'
import type { MigrateConfig } from './options.ts'
import type { StepTimer } from './steps.ts'

/** A connected database, with the release lock held when asked for. */
export interface Session {
  connection: Connection
  history: History
  /** Releases the locks and closes what we opened, in reverse order. */
  close(): Promise<void>
}

/**
 * Connects and takes the release lock. With a lock file (embedded PGlite),
 * the file is locked before the database is opened: one process at a time
 * may open a PGlite data directory. Server databases take an advisory lock
 * after connecting. `advisory: false` (status) skips the advisory lock but
 * never the file lock.
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
  const close = async () => {
    try {
      await advisory?.release()
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
    const { knex, dialect } = connection
    if (options.advisory && dialect !== 'pglite') {
      advisory = await steps.run('lock', async () => {
        const lock = await acquireAdvisoryLock(knex, dialect, config.tableName, wait)
        return { value: lock, detail: dialect === 'postgres' ? 'pg advisory lock' : 'GET_LOCK' }
      })
    }
    debug(
      'session: %s, advisory lock %s, lock file %s',
      dialect,
      advisory ? 'held' : 'not taken',
      lockFile ?? '-',
    )
    return { connection, history: new History(connection.knex, config.tableName), close }
  } catch (error) {
    await close().catch(() => {})
    throw error
  }
}
