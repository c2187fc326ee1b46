import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { KitError, type KitLogger } from '@kit/internal'
import { runInOrder } from './apply.ts'
import { type BackupOptions, type BackupResult, takeBackup } from './backup/backup.ts'
import { baselinePath, writeBaseline } from './checks/baseline.ts'
import { type CheckResult, checkMigrations } from './checks/check.ts'
import type { AppliedMigration } from './history.ts'
import { clearFileLock } from './lock/file-lock.ts'
import {
  invalidOption,
  type MigrateConfig,
  type MigrateOptions,
  nonNegativeInt,
  parseMigrateOptions,
  rejectUnknownKeys,
} from './options.ts'
import { assertNoMissing, type MigrationStatus, makePlan } from './plan.ts'
import {
  parseReleaseExtras,
  type ReleaseOptions,
  type ReleaseSummary,
  refuseInterrupted,
  runUp,
} from './release.ts'
import { openSession } from './session.ts'
import { type LoadedMigration, listMigrations, loadMigration, migrationKey } from './source.ts'
import { StepTimer } from './steps.ts'

type Context = { log?: KitLogger }

export interface StatusResult {
  /** Every migration, in order: files (applied or pending), then applied ones whose file is gone. */
  migrations: MigrationStatus[]
  pending: string[]
  applied: string[]
  missing: string[]
  lastBatch: number
  /** The default `migrations/` folder does not exist: the app has no migrations. */
  directoryMissing: boolean
  /** Migrations a killed release left half run: the next release refuses until `kit migrate resolve`. */
  interrupted: string[]
}

/** `kit migrate status`. Works on a fresh database: it reads, never creates, knex's tables. */
export async function migrateStatus(options: MigrateOptions, context: Context = {}): Promise<StatusResult> {
  const config = parseMigrateOptions(options, context, [], 'migrateStatus()')
  const session = await openSession(config, new StepTimer(config.report), { advisory: false })
  try {
    const files = await listMigrations(config.directory, {
      required: config.directoryRequired,
      loadExtensions: config.loadExtensions,
    })
    const applied = (await session.history.exists()) ? await session.history.applied() : []
    const plan = makePlan(files, applied)
    return {
      migrations: plan.migrations,
      pending: plan.pending.map((file) => file.name),
      applied: plan.migrations.filter((m) => m.state === 'applied').map((m) => m.name),
      missing: plan.missing.map((row) => row.name),
      lastBatch: plan.lastBatch,
      directoryMissing: !existsSync(config.directory),
      interrupted: (await session.interrupted.list()).map((row) => row.name),
    }
  } finally {
    await session.close()
  }
}

/** `kit migrate up`: applies every pending migration, with the same lock and checks as a release (no backup). */
export function migrateUp(options: ReleaseOptions, context: Context = {}): Promise<ReleaseSummary> {
  const config = parseMigrateOptions(options, context, ['unsafe', 'baseline', 'backup'], 'migrateUp()')
  return runUp(config, parseReleaseExtras(options, config), {})
}

export interface DownOptions extends MigrateOptions {
  /** Roll back this many migrations (newest first) instead of the last batch. @default the last batch */
  step?: number
}

export interface DownResult {
  /** Migrations rolled back, newest first. */
  reverted: string[]
}

/** `kit migrate down`: rolls back the last batch (what the last release applied), or `step` migrations. */
export async function migrateDown(options: DownOptions, context: Context = {}): Promise<DownResult> {
  const config = parseMigrateOptions(options, context, ['step'], 'migrateDown()')
  const step = options.step === undefined ? undefined : nonNegativeInt('step', options.step, 1)
  if (step === 0) throw invalidOption('step', 0, 'at least 1')
  return revert(config, (applied) => {
    if (step !== undefined) return applied.slice(-step)
    const last = applied.at(-1)?.batch
    return applied.filter((row) => row.batch === last)
  })
}

export interface ToOptions extends ReleaseOptions {
  /** The migration to end at (file name, with or without extension). Required. */
  name: string
}

export type ToResult =
  | { direction: 'up'; summary: ReleaseSummary }
  | { direction: 'down'; reverted: string[] }

/** `kit migrate to <name>`: applies up to and including `name`, or rolls back everything applied after it. */
export async function migrateTo(options: ToOptions, context: Context = {}): Promise<ToResult> {
  const { name, ...rest } = options
  if (typeof name !== 'string' || name === '') throw invalidOption('name', name, 'a migration name')
  const config = parseMigrateOptions(rest, context, ['unsafe', 'baseline', 'backup'], 'migrateTo()')
  const key = migrationKey(name)
  const status = await migrateStatus({ ...rest, reporter: undefined } as MigrateOptions, context)
  const entry = status.migrations.find((m) => migrationKey(m.name) === key)
  if (!entry) {
    throw new KitError(
      'KIT_MIGRATE_NOT_FOUND',
      `No migration named ${name} (files in ${config.directory} or applied). Pick one from \`kit migrate status\`.`,
    )
  }
  if (entry.state === 'pending') {
    return { direction: 'up', summary: await runUp(config, parseReleaseExtras(rest, config), { until: key }) }
  }
  const result = await revert(config, (applied) => {
    const index = applied.findIndex((row) => migrationKey(row.name) === key)
    return applied.slice(index + 1)
  })
  return { direction: 'down', reverted: result.reverted }
}

async function revert(
  config: MigrateConfig,
  choose: (applied: AppliedMigration[]) => AppliedMigration[],
): Promise<DownResult> {
  const steps = new StepTimer(config.report)
  const session = await openSession(config, steps, { advisory: true })
  try {
    if (!(await session.history.exists())) return { reverted: [] }
    await session.history.ensure()
    await session.history.clearStaleKnexLock()
    const files = await listMigrations(config.directory, {
      required: config.directoryRequired,
      loadExtensions: config.loadExtensions,
    })
    const applied = await session.history.applied()
    await refuseInterrupted(session, applied)
    const plan = makePlan(files, applied)
    const targets = choose(applied).reverse()
    const byKey = new Map(files.map((file) => [file.key, file]))
    const missing = targets.filter((row) => !byKey.has(migrationKey(row.name)))
    if (missing.length > 0) assertNoMissing({ ...plan, missing }, config.directory)
    const loaded: LoadedMigration[] = []
    for (const row of targets) {
      // The history keeps the recorded name (maybe .js) while the file may be .ts: forget what was recorded.
      const file = byKey.get(migrationKey(row.name))!
      loaded.push({ ...(await loadMigration(file)), name: row.name })
    }
    const reverted = await steps.run('apply', async () => {
      const value = await runInOrder(config, session, loaded, 'down', 0)
      return { value, detail: `${value.length} rolled back` }
    })
    return { reverted }
  } finally {
    await steps.run('unlock', async () => ({ value: await session.close() }))
  }
}

export interface UnlockOptions extends MigrateOptions {
  /** Remove a lock file even when its holder looks alive. @default false */
  force?: boolean
}

export interface UnlockResult {
  /** knex's lock row was set and is now cleared. */
  knexLock: boolean
  /** A lock file was removed (PGlite). */
  lockFile: boolean
}

/**
 * `kit migrate unlock`: clears knex's lock row and a lock file left by a dead
 * process. Refuses while a live release holds the lock: it never breaks a
 * running release.
 */
export async function migrateUnlock(options: UnlockOptions, context: Context = {}): Promise<UnlockResult> {
  const config = parseMigrateOptions(options, context, ['force'], 'migrateUnlock()')
  const result: UnlockResult = { knexLock: false, lockFile: false }
  if (config.lockFile)
    result.lockFile = (await clearFileLock(config.lockFile, options.force === true)) === 'cleared'
  let session: Awaited<ReturnType<typeof openSession>>
  try {
    session = await openSession(config, new StepTimer(config.report), { advisory: true, waitForLockMs: 0 })
  } catch (error) {
    if (error instanceof KitError && error.code === 'KIT_MIGRATE_LOCK_TIMEOUT') {
      throw new KitError(
        'KIT_MIGRATE_LOCKED',
        `A release is running right now (it holds the migration lock), so nothing was unlocked. ${error.message.split('. ')[0]}.`,
      )
    }
    throw error
  }
  try {
    if (await session.history.exists()) {
      await session.history.ensure()
      result.knexLock = await session.history.clearStaleKnexLock()
    }
    return result
  } finally {
    await session.close()
  }
}

export interface DbBackupOptions
  extends BackupOptions,
    Pick<MigrateOptions, 'knex' | 'lockFile' | 'tableName' | 'cwd' | 'log' | 'waitForLockMs'> {}

/** `kit db backup`: one backup now, then the retention count. */
export async function backup(options: DbBackupOptions, context: Context = {}): Promise<BackupResult> {
  const { directory, keep, binDir, timeoutMs, ...rest } = options
  const config = parseMigrateOptions(rest, context, [], 'backup()')
  const session = await openSession(config, new StepTimer(config.report), { advisory: false })
  try {
    const backupOptions: BackupOptions = {}
    if (directory !== undefined) backupOptions.directory = directory
    if (keep !== undefined) backupOptions.keep = keep
    if (binDir !== undefined) backupOptions.binDir = binDir
    if (timeoutMs !== undefined) backupOptions.timeoutMs = timeoutMs
    return await takeBackup(session.connection, backupOptions, config)
  } finally {
    await session.close()
  }
}

export interface CheckPendingOptions extends MigrateOptions {
  /** The reviewed-baseline file. @default '<directory>/.kit-reviewed.json' */
  baseline?: string
}

/** `kit migrate check`: the release's unsafe-operation check on the pending migrations, without applying them. */
export async function migrateCheck(
  options: CheckPendingOptions,
  context: Context = {},
): Promise<CheckResult> {
  const config = parseMigrateOptions(options, context, ['baseline'], 'migrateCheck()')
  const { baseline } = parseReleaseExtras({ knex: config.knex, baseline: options.baseline }, config)
  const session = await openSession(config, new StepTimer(config.report), { advisory: false })
  try {
    const files = await listMigrations(config.directory, {
      required: config.directoryRequired,
      loadExtensions: config.loadExtensions,
    })
    const applied = (await session.history.exists()) ? await session.history.applied() : []
    const plan = makePlan(files, applied)
    return await checkMigrations(plan.pending, { dialect: session.connection.dialect, baseline })
  } finally {
    await session.close()
  }
}

/** `kit migrate check --baseline`: marks every current migration file as reviewed. Returns the file and how many entries changed. */
export async function writeReviewedBaseline(
  options: { directory?: string; cwd?: string; baseline?: string; loadExtensions?: readonly string[] } = {},
): Promise<{ file: string; changed: number; total: number }> {
  rejectUnknownKeys(options, ['directory', 'cwd', 'baseline', 'loadExtensions'], 'writeReviewedBaseline()')
  const cwd = options.cwd ?? process.cwd()
  const directory = resolve(cwd, options.directory ?? 'migrations')
  const file = baselinePath(
    directory,
    options.baseline === undefined ? undefined : resolve(cwd, options.baseline),
  )
  const files = await listMigrations(directory, { required: true, loadExtensions: options.loadExtensions })
  return { file, changed: await writeBaseline(file, files), total: files.length }
}

export interface ResolveOptions extends MigrateOptions {
  /** The interrupted migration (file name, with or without extension). Required. */
  name: string
  /** `applied`: its work is done, record it. `retry`: the next release runs it again. Required. */
  outcome: 'applied' | 'retry'
}

/**
 * `kit migrate resolve <name> --applied|--retry`: settles a migration a
 * killed release left interrupted (see interrupted.ts), under the release
 * lock. Returns what it did.
 */
export async function migrateResolve(
  options: ResolveOptions,
  context: Context = {},
): Promise<{ name: string; outcome: 'applied' | 'retry'; direction: 'up' | 'down'; batch: number | null }> {
  const { name, outcome, ...rest } = options
  if (typeof name !== 'string' || name === '') throw invalidOption('name', name, 'a migration name')
  if (outcome !== 'applied' && outcome !== 'retry')
    throw invalidOption('outcome', outcome, "'applied' or 'retry'")
  const config = parseMigrateOptions(rest, context, [], 'migrateResolve()')
  const session = await openSession(config, new StepTimer(config.report), { advisory: true })
  try {
    const key = migrationKey(name)
    const row = (await session.interrupted.list()).find((r) => migrationKey(r.name) === key)
    if (!row) {
      throw new KitError(
        'KIT_MIGRATE_NOT_FOUND',
        `No interrupted migration named ${name}: nothing to resolve. \`kit release\` names the interrupted ones when it refuses.`,
      )
    }
    if (outcome === 'retry') {
      await session.interrupted.finish(session.connection.knex, row.name)
      return { name: row.name, outcome, direction: row.direction, batch: null }
    }
    await session.history.ensure()
    // "Its work is done": an interrupted up is recorded as applied, an interrupted down as rolled back.
    const batch =
      row.direction === 'up'
        ? (await session.history.applied()).reduce((max, r) => Math.max(max, r.batch), 0) + 1
        : null
    await session.connection.knex.transaction(async (trx) => {
      if (batch === null) await session.history.forget(trx, row.name)
      else await session.history.record(trx, row.name, batch)
      await session.interrupted.finish(trx, row.name)
    })
    return { name: row.name, outcome, direction: row.direction, batch }
  } finally {
    await session.close()
  }
}
