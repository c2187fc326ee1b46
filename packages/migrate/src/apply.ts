import { KitError } from '@kit/internal'
import { singleConnectionKnex } from './connection.ts'
import type { MigrateConfig } from './options.ts'
import { type RunnerContext, runMigration } from './runner.ts'
import type { Session } from './session.ts'
import type { LoadedMigration } from './source.ts'
import { isMariaDb } from './timeouts.ts'

/**
 * Runs migrations one after the other on a single connection, with knex's
 * lock row set meanwhile (so a plain `knex migrate` run refuses instead of
 * colliding). Stops at the first failure: nothing after it runs.
 * Returns the names done, in order.
 */
export async function runInOrder(
  config: MigrateConfig,
  session: Session,
  migrations: readonly LoadedMigration[],
  direction: 'up' | 'down',
  batch: number,
): Promise<string[]> {
  const done: string[] = []
  if (migrations.length === 0) return done
  const runner = session.runner ?? singleConnectionKnex(session.connection, config.log)
  const { dialect } = session.connection
  try {
    const ctx: RunnerContext = {
      db: runner.knex,
      dialect,
      mariadb: await isMariaDb(runner.knex, dialect),
      history: session.history,
      interrupted: session.interrupted,
      session: session.lock?.session,
      timeouts: { lockTimeoutMs: config.lockTimeoutMs, statementTimeoutMs: config.statementTimeoutMs },
      lockRetries: config.lockRetries,
      retryDelayMs: config.retryDelayMs,
      report: config.report,
      log: config.log,
    }
    await session.interrupted.ensure()
    await session.history.setKnexLock(true)
    try {
      for (const migration of migrations) {
        try {
          // A release whose lock session died must not apply another migration without the lock.
          await session.lock?.heartbeat?.()
          await runMigration(ctx, migration, direction, batch)
        } catch (error) {
          if (!(error instanceof KitError)) throw error
          // Programs (and `--json`) learn what was done before the failure.
          throw new KitError(error.code, error.message, {
            cause: error.cause,
            details: { failed: migration.name, done: [...done], direction },
          })
        }
        done.push(migration.name)
      }
    } finally {
      await session.history.setKnexLock(false)
    }
    return done
  } finally {
    // The session's runner is closed with the session (it holds the release lock).
    if (runner !== session.runner) await runner.close()
  }
}
