import { dirname, join, resolve } from 'node:path'
import { loadEnv } from '@kit/env'
import { isKitError, KitError } from '@kit/internal'
import type {
  Finding,
  Knexfile,
  KnexfileConnection,
  KnexSource,
  MigrationsConfig,
  ReleaseReporter,
  ReleaseSummary,
  StepResult,
} from '@kit/migrate'
import { createDatabase, type DatabaseEnv } from '../../connections/database.ts'
import { databasePlatform, resolveDatabaseTarget } from '../../connections/database-target.ts'
import { type Command, type CommandContext, defineCommand, UsageError } from '../command.ts'
import { formatTable, type Output, stderrLogger } from '../output.ts'

/**
 * `kit migrate status | up | down | to | make | unlock | check`, and the
 * connection plumbing `kit release` and `kit db` share: kit.config's
 * `migrations` part, the database from DATABASE_URL (or the embedded PGlite,
 * opened only once its lock file is held), and the progress reporter.
 */

/** What the migrate commands take from kit.config. */
interface MigrationsConfigPart {
  migrations?: MigrationsConfig
}

export interface MigrateSetup {
  appRoot: string
  settings: MigrationsConfig
  /** Options every @kit/migrate call gets: connection factory, lock file, paths. */
  base: { knex: KnexSource; lockFile?: string; cwd: string; directory?: string; tableName?: string }
  kind: 'postgres' | 'mysql' | 'pglite'
  /** What chose the database: `DATABASE_URL`, `knexfile.js connection` or `embedded database`. */
  source: string
  /** Lines to show before running: knexfile settings kit.config overrides, the knexfile connection used. */
  notices: string[]
  /** kit.config defines feature flags, whose tables kit release creates. */
  hasFlags: boolean
}

/** kit.config's `migrations`, with a knexfile's settings filled in (kit.config wins; see mergeKnexfileSettings). */
interface MigrationSettings {
  appRoot: string
  settings: MigrationsConfig
  notices: string[]
  knexfile: Knexfile | undefined
}

type KitConfig = Awaited<ReturnType<CommandContext<any>['loadConfig']>>['config']

async function appConfig(ctx: CommandContext<any>): Promise<{ config: KitConfig; appRoot: string }> {
  const { config, path } = await ctx.loadConfig()
  return { config, appRoot: config.cwd ? resolve(path ? dirname(path) : ctx.cwd, config.cwd) : ctx.cwd }
}

async function readMigrationSettings(
  config: KitConfig,
  appRoot: string,
  nodeEnv: string | undefined,
): Promise<MigrationSettings> {
  const fromKit = (config as typeof config & MigrationsConfigPart).migrations ?? {}
  if (typeof fromKit !== 'object' || fromKit === null) {
    throw new KitError(
      'KIT_MIGRATE_INVALID_OPTION',
      'kit.config `migrations` must be an object, e.g. `migrations: { directory: "migrations" }`.',
    )
  }
  const { projectMigrations } = await import('@kit/migrate')
  return { appRoot, ...(await projectMigrations(appRoot, fromKit, nodeEnv)) }
}

/**
 * Reads kit.config, a knexfile if the app has one, and the environment, and
 * prepares (without opening) the database. `fullEnv` validates the app's own
 * variables too (kit release: a deploy with a broken environment must stop
 * here); other commands check only the built-in ones they need.
 */
export async function migrateSetup(ctx: CommandContext<any>, fullEnv = false): Promise<MigrateSetup> {
  const { config, appRoot } = await appConfig(ctx)
  const env = loadEnv({
    ...(fullEnv && config.env ? { schema: config.env } : {}),
    preset: config.preset,
    cwd: appRoot,
    source: ctx.env,
  }) as DatabaseEnv
  const { settings, notices, knexfile } = await readMigrationSettings(config, appRoot, env.NODE_ENV)
  const databaseEnv: DatabaseEnv = { ...env, DYNO: ctx.env.DYNO }
  let connection: KnexfileConnection | undefined
  if (knexfile) {
    const { knexfileConnection } = await import('@kit/migrate')
    try {
      connection = knexfileConnection(
        knexfile,
        databaseEnv.DATABASE_SSL ?? 'auto',
        databasePlatform(databaseEnv),
      )
    } catch (error) {
      // With DATABASE_URL set the knexfile's connection is not used: a development-only client
      // (sqlite3) or an unparsable URL there is worth a warning, not a failed release.
      if (!databaseEnv.DATABASE_URL || !isKitError(error)) throw error
      notices.push(`${error.message} Using DATABASE_URL.`)
    }
  }
  const resolved = resolveDatabaseTarget(
    databaseEnv,
    knexfile ? { file: knexfile.file, environment: knexfile.environment, connection } : undefined,
  )
  // The factory runs only once @kit/migrate holds the lock: an embedded PGlite directory is opened by one process at a time.
  const log = stderrLogger(ctx.out)
  const target = resolved.target
  // queryTimeoutMs 0: a migration may legitimately run for minutes (its own statement_timeout bounds it).
  const knex = () =>
    createDatabase(
      databaseEnv,
      { ...config.database, queryTimeoutMs: 0 },
      { cwd: appRoot, log, ...(target ? { target } : {}) },
    ).knex
  const kind = resolved.kind
  const base: MigrateSetup['base'] = { knex, cwd: appRoot }
  if (settings.directory !== undefined) base.directory = settings.directory
  if (settings.tableName !== undefined) base.tableName = settings.tableName
  if (kind === 'pglite') {
    base.lockFile = `${resolve(appRoot, config.database?.embeddedDirectory ?? join('.kit', 'pgdata'))}.lock`
  }
  return {
    appRoot,
    settings,
    base,
    kind,
    source: resolved.source,
    notices: [...notices, ...resolved.notices],
    hasFlags: Boolean(config.flags && Object.keys(config.flags).length),
  }
}

/** The settings of kit.config's `migrations` that tune a run (timeouts, retries, checks). */
export function tuning(
  settings: MigrationsConfig,
): Omit<MigrationsConfig, 'directory' | 'tableName' | 'backup'> {
  const { directory: _d, tableName: _t, backup: _b, ...rest } = settings
  return rest
}

/** Human progress on stdout: a live line on a terminal, plain lines in CI and platform logs. */
export async function textReporter(ctx: CommandContext<any>): Promise<ReleaseReporter> {
  const { createTextReporter } = await import('@kit/migrate')
  const live = ctx.out.color.enabled && !ctx.env.CI
  return createTextReporter({ stream: { write: (text: string) => ctx.out.write(text) }, live })
}

/** Prints the setup's notices (knexfile conflicts, the connection chosen) and the embedded database's one-process rule. */
export function embeddedNotice(ctx: CommandContext<any>, setup: MigrateSetup): void {
  for (const notice of setup.notices) ctx.out.error(`${ctx.out.errColor.yellow('warning')}: ${notice}`)
  if (setup.kind !== 'pglite') return
  ctx.out.error(
    ctx.out.errColor.dim(
      `Using the embedded database in ${setup.appRoot}/.kit (DATABASE_URL is unset): one process at a time may open it, so stop the app first.`,
    ),
  )
}

export function printFindings(out: Output, findings: readonly Finding[]): void {
  const c = out.color
  for (const f of findings) {
    const mark = f.acknowledged ? c.dim(`acknowledged (${f.acknowledgedBy})`) : c.red('UNSAFE')
    out.line(`${mark} ${c.bold(f.rule)} in ${f.migration} (${f.table ?? '?'})`)
    out.line(`  ${c.dim(f.statement)}`)
    if (!f.acknowledged) out.line(`  ${f.recipe}`)
  }
}

/** A release summary as one JSON document (dates and errors made plain). */
export function summaryJson(summary: ReleaseSummary, steps: readonly StepResult[]): Record<string, unknown> {
  return {
    ok: true,
    applied: summary.applied,
    batch: summary.batch,
    findings: summary.findings,
    notChecked: summary.notChecked,
    backup: summary.backup ? { file: summary.backup.file, durationMs: summary.backup.durationMs } : null,
    steps,
    durationMs: summary.durationMs,
  }
}

const WAIT_OPTION = {
  type: 'string',
  valueName: 'seconds',
  description: 'How long to wait for another release holding the lock (default 900)',
} as const

export function waitOption(text: string | undefined): { waitForLockMs?: number } {
  if (text === undefined) return {}
  const seconds = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(seconds >= 0 && seconds <= 86_400))
    throw new UsageError(`--wait must be whole seconds from 0 to 86400, got "${text}".`)
  return { waitForLockMs: seconds * 1000 }
}

const statusCommand = defineCommand({
  name: 'migrate status',
  summary: 'List migrations: applied (with batch and time), pending, and applied ones whose file is gone',
  description:
    'Reads knex_migrations; on a fresh database every migration is pending and nothing is created.',
  json: true,
  examples: ['kit migrate status', 'kit migrate status --json'],
  async run(ctx) {
    const setup = await migrateSetup(ctx)
    embeddedNotice(ctx, setup)
    const { migrateStatus } = await import('@kit/migrate')
    const status = await migrateStatus({ ...setup.base, ...tuning(setup.settings) })
    if (ctx.json) {
      ctx.out.json({
        ...status,
        migrations: status.migrations.map((m) => ({ ...m, appliedAt: m.appliedAt?.toISOString() ?? null })),
      })
      return 0
    }
    const c = ctx.out.color
    const paint = (state: string) =>
      state === 'applied' ? c.green(state) : state === 'pending' ? c.yellow(state) : c.red(state)
    for (const name of status.interrupted) {
      ctx.out.line(
        `${c.red('interrupted')} ${name}: a killed release left it half run; \`kit release\` refuses until \`kit migrate resolve ${name} --applied|--retry\`.`,
      )
    }
    if (status.migrations.length === 0) {
      ctx.out.line(
        status.directoryMissing
          ? 'No migrations: there is no migrations folder. Create one with `kit migrate make <name>`.'
          : 'No migrations yet. Create one with `kit migrate make <name>`.',
      )
      return 0
    }
    ctx.out.line(
      formatTable([
        [c.bold('MIGRATION'), c.bold('STATE'), c.bold('BATCH'), c.bold('APPLIED')],
        ...status.migrations.map((m) => [
          m.name,
          paint(m.state),
          m.batch === undefined ? '' : String(m.batch),
          m.appliedAt ? c.dim(m.appliedAt.toISOString()) : '',
        ]),
      ]).join('\n'),
    )
    ctx.out.line()
    const missing = status.missing.length
      ? `, ${c.red(`${status.missing.length} missing (file not found)`)}`
      : ''
    ctx.out.line(`${status.applied.length} applied, ${status.pending.length} pending${missing}`)
    return 0
  },
})

const upCommand = defineCommand({
  name: 'migrate up',
  summary: 'Apply every pending migration (release lock, timeouts and unsafe-operation checks, no backup)',
  options: {
    'allow-unsafe': { type: 'boolean', description: 'Report unsafe operations but apply anyway' },
    wait: WAIT_OPTION,
  },
  json: true,
  examples: ['kit migrate up', 'kit migrate up --allow-unsafe'],
  async run(ctx) {
    const setup = await migrateSetup(ctx)
    embeddedNotice(ctx, setup)
    const { migrateUp } = await import('@kit/migrate')
    const summary = await migrateUp({
      ...setup.base,
      ...tuning(setup.settings),
      ...waitOption(ctx.values.wait),
      ...(ctx.values['allow-unsafe'] ? { unsafe: 'warn' as const } : {}),
      ...(ctx.json ? {} : { reporter: await textReporter(ctx) }),
    })
    if (ctx.json) ctx.out.json(summaryJson(summary, summary.steps))
    return 0
  },
})

const downCommand = defineCommand({
  name: 'migrate down',
  summary: 'Roll back the last batch (what the last release applied), or --step <n> migrations',
  options: {
    step: { type: 'string', valueName: 'n', description: 'Roll back this many migrations, newest first' },
    wait: WAIT_OPTION,
  },
  json: true,
  examples: ['kit migrate down', 'kit migrate down --step 1'],
  async run(ctx) {
    const stepText = ctx.values.step
    if (stepText !== undefined && !/^[1-9]\d*$/.test(stepText)) {
      throw new UsageError(`--step must be a whole number of 1 or more, got "${stepText}".`)
    }
    const setup = await migrateSetup(ctx)
    embeddedNotice(ctx, setup)
    const { migrateDown } = await import('@kit/migrate')
    const result = await migrateDown({
      ...setup.base,
      ...tuning(setup.settings),
      ...waitOption(ctx.values.wait),
      ...(stepText ? { step: Number(stepText) } : {}),
      ...(ctx.json ? {} : { reporter: await textReporter(ctx) }),
    })
    if (ctx.json) ctx.out.json({ ok: true, ...result })
    else if (result.reverted.length === 0) ctx.out.line('Nothing to roll back.')
    else ctx.out.line(`Rolled back ${result.reverted.length}: ${result.reverted.join(', ')}`)
    return 0
  },
})

const toCommand = defineCommand({
  name: 'migrate to',
  summary: 'Migrate up or down until <name> is the last applied migration',
  positionals: [{ name: 'name', description: 'A migration file name, with or without its extension' }],
  options: {
    'allow-unsafe': { type: 'boolean', description: 'Report unsafe operations but apply anyway' },
    wait: WAIT_OPTION,
  },
  json: true,
  examples: ['kit migrate to 20260101120000_create_users'],
  async run(ctx) {
    if (ctx.positionals.length !== 1)
      throw new UsageError('Expected one migration name: kit migrate to <name>.')
    const setup = await migrateSetup(ctx)
    embeddedNotice(ctx, setup)
    const { migrateTo } = await import('@kit/migrate')
    const result = await migrateTo({
      ...setup.base,
      ...tuning(setup.settings),
      ...waitOption(ctx.values.wait),
      name: ctx.positionals[0]!,
      ...(ctx.values['allow-unsafe'] ? { unsafe: 'warn' as const } : {}),
      ...(ctx.json ? {} : { reporter: await textReporter(ctx) }),
    })
    if (ctx.json) {
      ctx.out.json(
        result.direction === 'up'
          ? { direction: 'up', ...summaryJson(result.summary, result.summary.steps) }
          : { ok: true, direction: 'down', reverted: result.reverted },
      )
    } else if (result.direction === 'down') {
      ctx.out.line(
        result.reverted.length
          ? `Rolled back ${result.reverted.join(', ')}`
          : `Already at ${ctx.positionals[0]}.`,
      )
    }
    return 0
  },
})

const makeCommand = defineCommand({
  name: 'migrate make',
  summary: 'Create a migration file: <directory>/<UTC timestamp>_<name>.ts (or .js)',
  positionals: [{ name: 'name', description: 'What it does, in snake_case: add_users_email_index' }],
  options: {
    js: { type: 'boolean', description: 'Write JavaScript even in a TypeScript project' },
    ts: { type: 'boolean', description: 'Write TypeScript even without a tsconfig.json' },
    'no-transaction': {
      type: 'boolean',
      description: 'Run outside a transaction (CREATE INDEX CONCURRENTLY)',
    },
  },
  json: true,
  examples: ['kit migrate make create_users', 'kit migrate make add_users_email_index --no-transaction'],
  async run(ctx) {
    if (ctx.positionals.length !== 1) throw new UsageError('Expected one name: kit migrate make <name>.')
    if (ctx.values.js && ctx.values.ts) throw new UsageError('Choose one of --js and --ts.')
    const { config, appRoot } = await appConfig(ctx)
    const { settings } = await readMigrationSettings(config, appRoot, ctx.env.NODE_ENV)
    const { migrateMake } = await import('@kit/migrate')
    const file = await migrateMake({
      name: ctx.positionals[0]!,
      cwd: appRoot,
      ...(settings.directory ? { directory: settings.directory } : {}),
      ...(settings.loadExtensions ? { loadExtensions: settings.loadExtensions } : {}),
      ...(ctx.values.js ? { extension: 'js' as const } : ctx.values.ts ? { extension: 'ts' as const } : {}),
      ...(ctx.values['no-transaction'] ? { noTransaction: true } : {}),
    })
    if (ctx.json) ctx.out.json({ ok: true, file })
    else ctx.out.line(`Created ${file}`)
    return 0
  },
})

const unlockCommand = defineCommand({
  name: 'migrate unlock',
  summary: 'Clear a migration lock left by a dead process (never one held by a running release)',
  description:
    "Clears knex's knex_migrations_lock row and, for the embedded database, a lock file whose process is\ngone. Refuses while a live release holds the lock; --force removes the embedded lock file anyway.",
  options: {
    force: { type: 'boolean', description: 'Remove the embedded lock file even if its holder looks alive' },
  },
  json: true,
  examples: ['kit migrate unlock'],
  async run(ctx) {
    const setup = await migrateSetup(ctx)
    const { migrateUnlock } = await import('@kit/migrate')
    const result = await migrateUnlock({
      ...setup.base,
      ...tuning(setup.settings),
      ...(ctx.values.force ? { force: true } : {}),
    })
    if (ctx.json) ctx.out.json({ ok: true, ...result })
    else if (!result.knexLock && !result.lockFile) ctx.out.line('Nothing was locked.')
    else {
      if (result.knexLock) ctx.out.line('Cleared knex_migrations_lock.')
      if (result.lockFile) ctx.out.line(`Removed ${setup.base.lockFile}.`)
    }
    return 0
  },
})

const resolveCommand = defineCommand({
  name: 'migrate resolve',
  summary: 'Settle a migration a killed release left interrupted: --applied (its work is done) or --retry',
  description: [
    'A release killed while it ran a migration that cannot roll back (outside a transaction; on MySQL',
    'also after a DDL statement) leaves it interrupted: the next release refuses rather than run it twice.',
    'Check the database, then: --applied records it as done (finish its work by hand first if needed);',
    '--retry lets the next release run it again (it must be safe to re-run).',
  ].join('\n'),
  positionals: [{ name: 'name', description: 'The interrupted migration, as `kit release` named it' }],
  options: {
    applied: { type: 'boolean', description: 'Its work is done: record it as applied' },
    retry: { type: 'boolean', description: 'Run it again at the next release' },
  },
  json: true,
  examples: ['kit migrate resolve 20260101120000_backfill --applied'],
  async run(ctx) {
    if (ctx.positionals.length !== 1)
      throw new UsageError('Expected one migration name: kit migrate resolve <name> --applied|--retry.')
    if (Boolean(ctx.values.applied) === Boolean(ctx.values.retry))
      throw new UsageError('Choose one of --applied (its work is done) and --retry (run it again).')
    const setup = await migrateSetup(ctx)
    embeddedNotice(ctx, setup)
    const { migrateResolve } = await import('@kit/migrate')
    const result = await migrateResolve({
      ...setup.base,
      ...tuning(setup.settings),
      name: ctx.positionals[0]!,
      outcome: ctx.values.applied ? 'applied' : 'retry',
    })
    if (ctx.json) ctx.out.json({ ok: true, ...result })
    else if (result.outcome === 'applied')
      ctx.out.line(
        result.direction === 'up'
          ? `Recorded ${result.name} as applied (batch ${result.batch}).`
          : `Recorded ${result.name} as rolled back.`,
      )
    else ctx.out.line(`${result.name} will run again at the next release.`)
    return 0
  },
})

const checkCommand = defineCommand({
  name: 'migrate check',
  summary: 'Check pending migrations for unsafe operations without applying them (exit 1 if any)',
  description: [
    'Runs the check step of `kit release`: operations that lock or rewrite big tables or break the',
    'running code during a rolling deploy, each with its safe recipe. A migration accepts a finding',
    "with `export const kit = { acknowledge: ['<rule>'] }`. --baseline marks every current migration",
    'file as reviewed (migrations/.kit-reviewed.json) instead: run it once when adopting kit.',
  ].join('\n'),
  options: { baseline: { type: 'boolean', description: 'Mark every current migration file as reviewed' } },
  json: true,
  examples: ['kit migrate check', 'kit migrate check --baseline'],
  async run(ctx) {
    const setup = await migrateSetup(ctx)
    const { migrateCheck, writeReviewedBaseline } = await import('@kit/migrate')
    if (ctx.values.baseline) {
      const written = await writeReviewedBaseline({
        cwd: setup.appRoot,
        ...(setup.base.directory ? { directory: setup.base.directory } : {}),
        ...(setup.settings.baseline ? { baseline: setup.settings.baseline } : {}),
        ...(setup.settings.loadExtensions ? { loadExtensions: setup.settings.loadExtensions } : {}),
      })
      if (ctx.json) ctx.out.json({ ok: true, ...written })
      else
        ctx.out.line(
          `Marked ${written.total} migration(s) as reviewed in ${written.file} (${written.changed} new or changed).`,
        )
      return 0
    }
    embeddedNotice(ctx, setup)
    const result = await migrateCheck({
      ...setup.base,
      ...(setup.settings.baseline ? { baseline: setup.settings.baseline } : {}),
      ...(setup.settings.schemaName ? { schemaName: setup.settings.schemaName } : {}),
      ...(setup.settings.loadExtensions ? { loadExtensions: setup.settings.loadExtensions } : {}),
    })
    if (ctx.json) ctx.out.json({ ok: result.unacknowledged.length === 0, ...result })
    else {
      printFindings(ctx.out, result.findings)
      for (const { migration, reason } of result.notChecked) {
        ctx.out.line(`${ctx.out.color.yellow('not checked')} ${migration}: ${reason}`)
      }
      const n = result.unacknowledged.length
      ctx.out.line(
        n === 0
          ? 'No unacknowledged unsafe operations in pending migrations.'
          : `${n} unsafe operation(s) to fix or acknowledge.`,
      )
    }
    return result.unacknowledged.length === 0 ? 0 : 1
  },
})

/** Every `kit migrate` subcommand, registered with one line in commands/index.ts. */
export const migrateCommands: readonly Command<any>[] = [
  statusCommand,
  upCommand,
  downCommand,
  toCommand,
  makeCommand,
  unlockCommand,
  resolveCommand,
  checkCommand,
]
