import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { KitError, type KitLogger, redactString } from '@kit/internal'
import type { Knex } from 'knex'
import { debug } from './debug.ts'
import type { Dialect } from './dialect.ts'
import type { History } from './history.ts'
import { type Interrupted, isConnectionLoss } from './interrupted.ts'
import type { ReleaseReporter } from './reporter/events.ts'
import type { LoadedMigration } from './source.ts'
import { applyTimeouts, classifyFailure, type Timeouts } from './timeouts.ts'

export interface RunnerContext {
  /** A knex with a single connection (see singleConnectionKnex). */
  db: Knex
  dialect: Dialect
  mariadb: boolean
  history: History
  interrupted: Interrupted
  /** The lock session's server id, written with an interrupted-migration row. */
  session: string | undefined
  timeouts: Timeouts
  lockRetries: number
  retryDelayMs: number
  report: ReleaseReporter
  log: KitLogger
}

const MAX_RETRY_DELAY_MS = 30_000

/**
 * Runs one migration up (recording it in `batch`) or down (forgetting it).
 * Transactional by default: the statements and the history row commit
 * together or not at all. A lock timeout or deadlock is retried after a
 * growing pause, so a busy table delays the release instead of stalling
 * every query queued behind our lock request.
 */
export async function runMigration(
  ctx: RunnerContext,
  migration: LoadedMigration,
  direction: 'up' | 'down',
  batch: number,
): Promise<void> {
  const fn = direction === 'up' ? migration.module.up : migration.module.down
  if (!fn) {
    throw new KitError(
      'KIT_MIGRATE_NO_DOWN',
      `Migration ${migration.name} has no down() function, so it cannot be rolled back. Add \`export async function down(knex)\`, or write a new migration that undoes it.`,
    )
  }
  const timeouts: Timeouts = {
    lockTimeoutMs: migration.settings.lockTimeoutMs ?? ctx.timeouts.lockTimeoutMs,
    statementTimeoutMs: migration.settings.statementTimeoutMs ?? ctx.timeouts.statementTimeoutMs,
  }
  // A kill part-way can leave these half done (Postgres: outside a transaction; MySQL: DDL commits by itself).
  const marked = !migration.transaction || ctx.dialect === 'mysql'
  const bookkeeping = async (db: Knex | Knex.Transaction) => {
    await (direction === 'up'
      ? ctx.history.record(db, migration.name, batch)
      : ctx.history.forget(db, migration.name))
    if (marked) await ctx.interrupted.finish(db, migration.name)
  }
  debug(
    '%s %s: transaction=%s lockTimeoutMs=%d statementTimeoutMs=%d',
    direction,
    migration.name,
    migration.transaction,
    timeouts.lockTimeoutMs,
    timeouts.statementTimeoutMs,
  )
  ctx.report({ type: 'migration-start', name: migration.name, direction, transaction: migration.transaction })
  const started = performance.now()
  for (let attempt = 1; ; attempt++) {
    try {
      if (migration.transaction) {
        await ctx.db.transaction(async (trx) => {
          // MySQL: the row is written inside the transaction, so it becomes permanent only when a DDL
          // statement's implicit commit makes the migration's earlier work permanent too. A killed
          // migration that had run only DML rolls back, row included, and simply runs again.
          if (marked) await ctx.interrupted.start(trx, migration.name, direction, ctx.session)
          await applyTimeouts(trx, ctx.dialect, timeouts, { local: true, mariadb: ctx.mariadb })
          await fn.call(migration.module, trx)
          await bookkeeping(trx)
        })
      } else {
        await ctx.interrupted.start(ctx.db, migration.name, direction, ctx.session)
        const restore = await applyTimeouts(ctx.db, ctx.dialect, timeouts, {
          local: false,
          mariadb: ctx.mariadb,
        })
        try {
          await fn.call(migration.module, ctx.db)
        } finally {
          await restore().catch(() => {})
        }
        await ctx.db.transaction((trx) => bookkeeping(trx))
      }
      const durationMs = Math.round(performance.now() - started)
      ctx.report({ type: 'migration-end', name: migration.name, direction, durationMs, attempts: attempt })
      ctx.log.info({ migration: migration.name, direction, durationMs, attempts: attempt }, 'migration done')
      return
    } catch (error) {
      // The server answered with an error, so we know where the migration stopped: no longer "interrupted".
      // A lost connection leaves the row: nobody knows whether the last statement ran.
      if (marked && !isConnectionLoss(error))
        await ctx.interrupted.finish(ctx.db, migration.name).catch(() => {})
      const kind = classifyFailure(error)
      if ((kind === 'lock-timeout' || kind === 'deadlock') && attempt <= ctx.lockRetries) {
        const delayMs = Math.min(MAX_RETRY_DELAY_MS, ctx.retryDelayMs * 2 ** (attempt - 1))
        const reason =
          kind === 'deadlock' ? 'deadlock' : `lock not granted within ${timeouts.lockTimeoutMs} ms`
        ctx.report({ type: 'retry', name: migration.name, attempt, delayMs, reason })
        ctx.log.warn({ migration: migration.name, attempt, delayMs, reason }, 'migration retry')
        await sleep(delayMs)
        continue
      }
      throw failure(migration, direction, kind, error, attempt, timeouts)
    }
  }
}

function failure(
  migration: LoadedMigration,
  direction: 'up' | 'down',
  kind: ReturnType<typeof classifyFailure>,
  error: unknown,
  attempts: number,
  timeouts: Timeouts,
): KitError {
  if (error instanceof KitError) return error
  const cause = redactString(error instanceof Error ? error.message : String(error))
  const kept = migration.transaction
    ? 'It was rolled back'
    : 'It ran without a transaction, so statements before the error were kept: make it safe to run again (IF NOT EXISTS)'
  if (kind === 'lock-timeout' || kind === 'deadlock') {
    return new KitError(
      'KIT_MIGRATE_TABLE_BUSY',
      `Migration ${migration.name} (${direction}) could not get its table lock within ${timeouts.lockTimeoutMs} ms, ${attempts} times: ${cause}. ${kept}. Find the long transaction holding the lock (pg_stat_activity / SHOW PROCESSLIST) and release again, or raise lockRetries.`,
      { cause: error },
    )
  }
  if (kind === 'statement-timeout') {
    return new KitError(
      'KIT_MIGRATE_STATEMENT_TIMEOUT',
      `Migration ${migration.name} (${direction}) ran a statement longer than ${timeouts.statementTimeoutMs} ms and it was cancelled. ${kept}. Batch the work, or set \`export const kit = { statementTimeoutMs: ... }\` in that migration.`,
      { cause: error },
    )
  }
  return new KitError(
    'KIT_MIGRATE_MIGRATION_FAILED',
    `Migration ${migration.name} (${direction}) failed: ${cause}. ${kept}; nothing after it was run.`,
    { cause: error },
  )
}
