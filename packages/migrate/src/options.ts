import { resolve } from 'node:path'
import { KitError, type KitLogger, silentLogger } from '@kit/internal'
import type { Knex } from 'knex'
import { debug } from './debug.ts'
import type { ReleaseReporter } from './reporter/events.ts'
import { closest } from './suggest.ts'

/** A knex instance (left open: the caller owns it) or a factory (called once the file lock is held, destroyed at the end). */
export type KnexSource = Knex | (() => Knex | Promise<Knex>)

/** Options shared by release() and every migrate command. */
export interface MigrateOptions {
  /** The database: a knex instance or a function that creates one. Required. */
  knex: KnexSource
  /** Folder of migration files, relative to `cwd`. @default 'migrations' */
  directory?: string
  /** Base for relative paths. @default process.cwd() */
  cwd?: string
  /** knex's history table (its lock table is `<tableName>_lock`). @default 'knex_migrations' */
  tableName?: string
  /**
   * The schema (Postgres; on MySQL, the database) that holds the history and lock tables, as
   * knex's `migrations.schemaName`; created if missing. Migrations themselves still run in the
   * connection's search_path. @default the connection's default schema
   */
  schemaName?: string
  /**
   * Only files with these extensions are migrations (knex's `migrations.loadExtensions`); other
   * files in the folder are then left alone instead of refused. kit loads .js .cjs .mjs .ts .cts
   * .mts and .sql. @default every extension kit loads, and other files are refused
   */
  loadExtensions?: readonly string[]
  /**
   * A file that serialises processes before the database is opened. Needed for
   * the embedded PGlite, whose advisory locks cover one process only; pass a
   * factory as `knex` so the data directory is opened after the lock is held.
   * @default undefined (server databases use an advisory lock)
   */
  lockFile?: string
  /** How long to wait for another release to finish. @default 900_000 (15 min) */
  waitForLockMs?: number
  /** `lock_timeout` per migration statement (MySQL: lock_wait_timeout, whole seconds). 0 disables. @default 5000 */
  lockTimeoutMs?: number
  /** `statement_timeout` per statement (MariaDB: max_statement_time). 0 disables. @default 1_800_000 (30 min, under Heroku's 1 h release limit) */
  statementTimeoutMs?: number
  /** Retries of a migration that hit `lockTimeoutMs` (or a deadlock). @default 5 */
  lockRetries?: number
  /** First retry delay; doubles each retry, capped at 30 s. @default 1000 */
  retryDelayMs?: number
  /** Structured logs. @default a silent logger */
  log?: KitLogger
  /** Progress events for humans or machines (see createTextReporter / createJsonReporter). @default none */
  reporter?: ReleaseReporter
}

/** Fully resolved options: every default applied, every value checked. */
export interface MigrateConfig {
  knex: KnexSource
  cwd: string
  directory: string
  /** `directory` was set: a missing folder is then an error, not "no migrations". */
  directoryRequired: boolean
  tableName: string
  schemaName: string | undefined
  loadExtensions: readonly string[] | undefined
  lockFile: string | undefined
  waitForLockMs: number
  lockTimeoutMs: number
  statementTimeoutMs: number
  lockRetries: number
  retryDelayMs: number
  log: KitLogger
  report: ReleaseReporter
}

const MIGRATE_KEYS = [
  'knex',
  'directory',
  'cwd',
  'tableName',
  'schemaName',
  'loadExtensions',
  'lockFile',
  'waitForLockMs',
  'lockTimeoutMs',
  'statementTimeoutMs',
  'lockRetries',
  'retryDelayMs',
  'log',
  'reporter',
] as const

export function invalidOption(name: string, value: unknown, expected: string): KitError {
  const shown = typeof value === 'function' ? 'a function' : JSON.stringify(value)
  return new KitError('KIT_MIGRATE_INVALID_OPTION', `Option \`${name}\` is ${shown}; expected ${expected}.`)
}

/** Throws on keys nobody reads, with the closest known key: `lockTimeout` is almost always `lockTimeoutMs`. */
export function rejectUnknownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const guess = closest(key, known)
    throw new KitError(
      'KIT_MIGRATE_INVALID_OPTION',
      `${where} has no option \`${key}\`.${guess ? ` Did you mean \`${guess}\`?` : ` Known options: ${known.join(', ')}.`}`,
    )
  }
}

export function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidOption(name, value, 'a whole number of 0 or more')
  }
  return value
}

export function parseMigrateOptions(
  options: MigrateOptions,
  context: { log?: KitLogger } = {},
  extraKeys: readonly string[] = [],
  where = 'release()',
): MigrateConfig {
  if (options === null || typeof options !== 'object') throw invalidOption('options', options, 'an object')
  rejectUnknownKeys(options, [...MIGRATE_KEYS, ...extraKeys], where)
  // A knex instance is itself a function, so one check covers both shapes.
  if (typeof options.knex !== 'function') {
    throw invalidOption('knex', options.knex, 'a knex instance or a function that returns one')
  }
  const cwd = options.cwd ?? process.cwd()
  if (typeof cwd !== 'string') throw invalidOption('cwd', cwd, 'a folder path')
  const directory = options.directory ?? 'migrations'
  if (typeof directory !== 'string' || directory === '') throw invalidOption('directory', directory, 'a path')
  const tableName = options.tableName ?? 'knex_migrations'
  if (typeof tableName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,57}$/.test(tableName)) {
    throw invalidOption('tableName', tableName, 'a table name of letters, digits and _')
  }
  const schemaName = options.schemaName
  if (
    schemaName !== undefined &&
    (typeof schemaName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(schemaName))
  ) {
    throw invalidOption('schemaName', schemaName, 'a schema name of letters, digits and _')
  }
  const loadExtensions = parseLoadExtensions(options.loadExtensions)
  if (options.lockFile !== undefined && (typeof options.lockFile !== 'string' || options.lockFile === '')) {
    throw invalidOption('lockFile', options.lockFile, 'a file path')
  }
  if (options.reporter !== undefined && typeof options.reporter !== 'function') {
    throw invalidOption('reporter', options.reporter, 'a function that receives release events')
  }
  const reporter = options.reporter
  const config: MigrateConfig = {
    knex: options.knex,
    cwd,
    directory: resolve(cwd, directory),
    directoryRequired: options.directory !== undefined,
    tableName,
    schemaName,
    loadExtensions,
    lockFile: options.lockFile === undefined ? undefined : resolve(cwd, options.lockFile),
    waitForLockMs: nonNegativeInt('waitForLockMs', options.waitForLockMs, 900_000),
    lockTimeoutMs: nonNegativeInt('lockTimeoutMs', options.lockTimeoutMs, 5000),
    statementTimeoutMs: nonNegativeInt('statementTimeoutMs', options.statementTimeoutMs, 1_800_000),
    lockRetries: nonNegativeInt('lockRetries', options.lockRetries, 5),
    retryDelayMs: nonNegativeInt('retryDelayMs', options.retryDelayMs, 1000),
    log: options.log ?? context.log ?? silentLogger,
    // A reporter that throws must not break a release half-way.
    report: reporter
      ? (event) => {
          try {
            reporter(event)
          } catch {}
        }
      : () => {},
  }
  debug(
    '%s: directory=%s table=%s schema=%s extensions=%s lockFile=%s waitForLockMs=%d lockTimeoutMs=%d statementTimeoutMs=%d lockRetries=%d retryDelayMs=%d',
    where,
    config.directory,
    config.tableName,
    config.schemaName ?? '-',
    config.loadExtensions?.join(',') ?? '-',
    config.lockFile ?? '-',
    config.waitForLockMs,
    config.lockTimeoutMs,
    config.statementTimeoutMs,
    config.lockRetries,
    config.retryDelayMs,
  )
  return config
}

/** The extensions kit can load a migration from (source.ts). */
export const LOADABLE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.sql'] as const

function parseLoadExtensions(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0 || value.some((ext) => typeof ext !== 'string')) {
    throw invalidOption('loadExtensions', value, "a list of extensions such as ['.js', '.ts']")
  }
  const normalised = value.map((ext: string) => (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase())
  const unknown = normalised.filter((ext) => !(LOADABLE_EXTENSIONS as readonly string[]).includes(ext))
  if (unknown.length > 0) {
    throw new KitError(
      'KIT_MIGRATE_INVALID_OPTION',
      `Option \`loadExtensions\` lists ${unknown.join(', ')}, which kit cannot load. kit runs migrations written in ${LOADABLE_EXTENSIONS.join(' ')}: compile the others to JavaScript first, or remove them from the list.`,
    )
  }
  return normalised
}
