import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { KitError, type KitLogger } from '@kit/internal'
import { runInOrder } from './apply.ts'
import { type BackupOptions, type BackupResult, parseBackupOptions, takeBackup } from './backup/backup.ts'
import { baselinePath } from './checks/baseline.ts'
import { checkMigrations } from './checks/check.ts'
import type { Finding } from './checks/rules.ts'
import type { AppliedMigration } from './history.ts'
import { invalidOption, type MigrateConfig, type MigrateOptions, parseMigrateOptions } from './options.ts'
import { assertNoMissing, makePlan } from './plan.ts'
import type { StepResult } from './reporter/events.ts'
import { openSession, type Session } from './session.ts'
import { type LoadedMigration, listMigrations, loadMigration, migrationKey } from './source.ts'
import { StepTimer } from './steps.ts'

export interface ReleaseOptions extends MigrateOptions {
  /** Take a backup before applying, when something is pending (`true` for the defaults). @default false */
  backup?: boolean | BackupOptions
  /** What an unacknowledged unsafe operation does: stop the release, or only report it. @default 'error' */
  unsafe?: 'error' | 'warn'
  /** The reviewed-baseline file. @default '<directory>/.kit-reviewed.json' */
  baseline?: string
}

/** What a release did. */
export interface ReleaseSummary {
  /** Migrations applied, in order. */
  applied: string[]
  /** The batch they were recorded in (null when nothing was pending). */
  batch: number | null
  /** Every unsafe operation found in the pending migrations (acknowledged ones included). */
  findings: Finding[]
  /** Migrations the checks could not compile (their up() read data); review them by hand. */
  notChecked: { migration: string; reason: string }[]
  backup?: BackupResult
  /** There is no `migrations/` folder (and no `directory` was set): the app has no migrations. */
  directoryMissing?: boolean
  steps: StepResult[]
  durationMs: number
}

interface UpPlan {
  /** Stop after this migration (by key): `kit migrate to <name>`. */
  until?: string
}

const RELEASE_KEYS = ['backup', 'unsafe', 'baseline'] as const

/**
 * `kit release`: connect → take the release lock → list pending migrations →
 * check them for unsafe operations → optional backup → apply → release the
 * lock. Concurrent releases wait for the lock, then find nothing pending.
 * Throws a KitError (stable `code`) when anything does not hold; every lock
 * is released either way.
 */
export async function release(
  options: ReleaseOptions,
  context: { log?: KitLogger } = {},
): Promise<ReleaseSummary> {
  const config = parseMigrateOptions(options, context, RELEASE_KEYS)
  return runUp(config, parseReleaseExtras(options, config), {})
}

export interface ReleaseExtras {
  backup: BackupOptions | undefined
  unsafe: 'error' | 'warn'
  baseline: string
}

export function parseReleaseExtras(options: ReleaseOptions, config: MigrateConfig): ReleaseExtras {
  const unsafe = options.unsafe ?? 'error'
  if (unsafe !== 'error' && unsafe !== 'warn') throw invalidOption('unsafe', unsafe, "'error' or 'warn'")
  if (
    options.backup !== undefined &&
    typeof options.backup !== 'boolean' &&
    typeof options.backup !== 'object'
  ) {
    throw invalidOption('backup', options.backup, 'true, false or backup options')
  }
  const backup = options.backup === true ? {} : options.backup || undefined
  if (backup) parseBackupOptions(backup)
  if (options.baseline !== undefined && typeof options.baseline !== 'string') {
    throw invalidOption('baseline', options.baseline, 'a file path')
  }
  return { backup, unsafe, baseline: baselinePath(config.directory, options.baseline) }
}

export async function runUp(
  config: MigrateConfig,
  extras: ReleaseExtras,
  plan: UpPlan,
): Promise<ReleaseSummary> {
  const started = performance.now()
  const steps = new StepTimer(config.report)
  const summary: ReleaseSummary = {
    applied: [],
    batch: null,
    findings: [],
    notChecked: [],
    steps: steps.results,
    durationMs: 0,
  }
  let session: Session | undefined
  try {
    session = await openSession(config, steps, { advisory: true })
    const open = session
    const { pending, batch } = await steps.run('pending', () => listPending(config, open, plan, summary))
    if (pending.length === 0) {
      steps.skip('check', 'nothing pending')
      steps.skip('backup', 'nothing pending')
      steps.skip('apply', 'nothing pending')
    } else {
      const loaded = await steps.run('check', () => check(config, extras, open, pending, summary))
      if (extras.backup) {
        const backupOptions = extras.backup
        summary.backup = await steps.run('backup', async () => {
          const value = await takeBackup(open.connection, backupOptions, config)
          return { value, detail: value.file }
        })
      } else {
        steps.skip('backup', 'not requested')
      }
      summary.batch = batch
      summary.applied = await steps.run('apply', async () => {
        const value = await runInOrder(config, open, loaded, 'up', batch)
        return { value, detail: `${value.length} applied` }
      })
    }
  } catch (error) {
    await closeSession(steps, session)
    finish(config, summary, started, false, error)
    throw error
  }
  await closeSession(steps, session)
  finish(config, summary, started, true)
  return summary
}

async function listPending(config: MigrateConfig, session: Session, plan: UpPlan, summary: ReleaseSummary) {
  await session.history.ensure()
  if (await session.history.clearStaleKnexLock()) {
    const message = `Cleared ${session.history.lockTable}: it was left locked by a process that stopped mid-migration.`
    config.report({ type: 'warning', message })
    config.log.warn({ table: session.history.lockTable }, message)
  }
  const files = await listMigrations(config.directory, {
    required: config.directoryRequired,
    loadExtensions: config.loadExtensions,
  })
  if (files.length === 0 && !existsSync(config.directory)) summary.directoryMissing = true
  const applied = await session.history.applied()
  await refuseInterrupted(session, applied)
  const state = makePlan(files, applied)
  if (state.missing.length > 0) {
    // Code older than the schema. With nothing pending this is a rollback (Heroku runs the release
    // phase of the release rolled back to): it must go through. With something pending the histories
    // diverged, and applying older migrations on a newer schema is a guess: stop.
    if (state.pending.length > 0) assertNoMissing(state, config.directory)
    const names = state.missing.map((row) => row.name).join(', ')
    const message = `The database has migrations this code does not have (${names}): it is newer than the code (a rollback?). Nothing was changed; to undo them run \`kit migrate down\` with the code that has them.`
    config.report({ type: 'warning', message })
    config.log.warn({ missing: state.missing.map((row) => row.name) }, message)
  }
  let pending = state.pending
  if (plan.until !== undefined) {
    const index = pending.findIndex((file) => file.key === plan.until)
    pending = pending.slice(0, index + 1)
  }
  const detail = summary.directoryMissing
    ? `no migrations folder (${config.directory})`
    : `${pending.length} pending`
  return { value: { pending, batch: state.lastBatch + 1 }, detail }
}

/**
 * A migration a killed release left half run stops the release: running it
 * again could apply its work twice (interrupted.ts). A row whose migration
 * was recorded (killed between the two) is just removed.
 */
export async function refuseInterrupted(session: Session, applied: AppliedMigration[]): Promise<void> {
  const recorded = new Set(applied.map((row) => migrationKey(row.name)))
  const left = []
  for (const row of await session.interrupted.list()) {
    // Killed after the history change committed but before the row went: it finished after all.
    const finished = recorded.has(migrationKey(row.name)) === (row.direction === 'up')
    if (finished) await session.interrupted.finish(session.connection.knex, row.name)
    else left.push(row)
  }
  if (left.length === 0) return
  const list = left
    .map(
      (row) =>
        `  - ${row.name}${row.direction === 'down' ? ' (being rolled back)' : ''}, started ${row.startedAt?.toISOString() ?? 'at an unknown time'} by ${row.ranBy}`,
    )
    .join('\n')
  const first = left[0]!.name
  throw new KitError(
    'KIT_MIGRATE_INTERRUPTED',
    `${left.length === 1 ? 'A migration was' : `${left.length} migrations were`} interrupted: a release was killed (or lost its connection) while running it where it cannot roll back, so some of its statements may have taken effect and others not. Nothing was applied, so nothing runs twice. Check the database, then run \`kit migrate resolve ${first} --applied\` if its work is done (finish it by hand if needed), or \`kit migrate resolve ${first} --retry\` to have the next release run it again.\n${list}`,
    {
      details: {
        interrupted: left.map((row) => ({ ...row, startedAt: row.startedAt?.toISOString() ?? null })),
      },
    },
  )
}

async function check(
  config: MigrateConfig,
  extras: ReleaseExtras,
  session: Session,
  pending: { name: string; key: string; path: string }[],
  summary: ReleaseSummary,
) {
  const loaded: LoadedMigration[] = []
  for (const file of pending) loaded.push(await loadMigration(file))
  const result = await checkMigrations(loaded, {
    dialect: session.connection.dialect,
    baseline: extras.baseline,
  })
  summary.findings = result.findings
  summary.notChecked = result.notChecked
  for (const finding of result.findings) config.report({ type: 'finding', finding })
  for (const { migration, reason } of result.notChecked) {
    const message = `${migration} could not be checked for unsafe operations (${reason}); review it by hand.`
    config.report({ type: 'warning', message })
    config.log.warn({ migration }, message)
  }
  const blocking = result.unacknowledged
  if (blocking.length > 0 && extras.unsafe === 'error') {
    const list = blocking
      .map((f) => `  - ${f.message} [${f.rule}]\n    ${f.statement}\n    ${f.recipe}`)
      .join('\n')
    throw new KitError(
      'KIT_MIGRATE_UNSAFE_MIGRATION',
      `${blocking.length} unsafe operation(s) in pending migrations, so nothing was applied. Follow each recipe, or once reviewed acknowledge the rule in that migration: \`export const kit = { acknowledge: ['<rule>'] }\`.\n${list}`,
      { details: { findings: blocking } },
    )
  }
  const acknowledged = result.findings.length - blocking.length
  const detail =
    result.findings.length === 0
      ? 'no unsafe operations'
      : `${result.findings.length} finding(s), ${acknowledged} acknowledged${blocking.length ? `, ${blocking.length} allowed by unsafe: 'warn'` : ''}`
  return { value: loaded, detail }
}

async function closeSession(steps: StepTimer, session: Session | undefined): Promise<void> {
  if (!session) return
  const open = session
  await steps.run('unlock', async () => ({ value: await open.close() })).catch(() => {})
}

function finish(
  config: MigrateConfig,
  summary: ReleaseSummary,
  started: number,
  ok: boolean,
  error?: unknown,
): void {
  summary.durationMs = Math.round(performance.now() - started)
  const message = ok
    ? summary.directoryMissing
      ? `No migrations: there is no ${relative(config.cwd, config.directory) || config.directory} folder, so nothing to migrate.`
      : summary.applied.length === 0
        ? 'Nothing to migrate: the database is up to date.'
        : `Applied ${summary.applied.length} migration(s) in batch ${summary.batch}.`
    : `Release failed: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}`
  config.report({ type: 'summary', ok, durationMs: summary.durationMs, applied: summary.applied, message })
  if (ok) config.log.info({ applied: summary.applied, durationMs: summary.durationMs }, message)
  else config.log.error({ err: error, durationMs: summary.durationMs }, message)
}
