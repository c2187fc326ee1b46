import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { KitError, type KitLogger, silentLogger } from '@kit/internal'
import knexFactory, { type Knex } from 'knex'
import { connect, disconnect } from '../connection.ts'
import { type Dialect, rowsOf } from '../dialect.ts'
import { invalidOption, type KnexSource, rejectUnknownKeys } from '../options.ts'
import { type BackupOptions, parseBackupOptions, sha256 } from './backup.ts'
import { type BackupManifest, countTables, migrationsInfo, type Query, readManifest } from './manifest.ts'
import { restoreMysqlScratch } from './mysql.ts'
import { readPgliteDump } from './pglite.ts'
import { restorePostgresScratch } from './postgres.ts'

export interface VerifyOptions extends Pick<BackupOptions, 'binDir' | 'timeoutMs'> {
  /**
   * A server to restore into: a scratch database is created there and
   * dropped after (the user needs CREATE DATABASE). Required for Postgres and
   * MySQL backups; PGlite backups are restored in memory.
   */
  knex?: KnexSource
  /** The history table, when the backup has no manifest. @default the manifest's, else 'knex_migrations' */
  tableName?: string
  log?: KitLogger
  cwd?: string
}

export interface VerifyResult {
  file: string
  dialect: Dialect
  /** How long the restore took: what a real restore of this backup costs. */
  restoreMs: number
  totalMs: number
  /** The scratch database used (already dropped). */
  scratch?: string
  migrations: { expected: number | null; actual: number; last: string | null }
  tables: { name: string; expected: number | null; actual: number | null }[]
  /** Differences that do not fail the check (counts of a backup taken while the app wrote, no manifest). */
  warnings: string[]
}

const VERIFY_KEYS = ['knex', 'binDir', 'timeoutMs', 'tableName', 'log', 'cwd'] as const

/**
 * `kit db verify <backup>`: restores the backup into a scratch database,
 * checks the checksum, the migrations table and every table's row count
 * against the manifest written at backup time, reports how long the restore
 * took, and drops the scratch database. Throws KIT_MIGRATE_VERIFY_FAILED
 * (with the result in `details`) when anything does not match.
 */
export async function verifyBackup(file: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  rejectUnknownKeys(options, VERIFY_KEYS, 'verifyBackup()')
  const started = performance.now()
  const log = options.log ?? silentLogger
  const path = resolve(options.cwd ?? process.cwd(), file)
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile()) {
    throw new KitError(
      'KIT_MIGRATE_BACKUP_NOT_FOUND',
      `${path} is not a backup file. Pass a file written by \`kit db backup\`.`,
    )
  }
  const limits = parseBackupOptions({ binDir: options.binDir, timeoutMs: options.timeoutMs })
  const manifest = await readManifest(path)
  const warnings: string[] = []
  const problems: string[] = []
  const dialect = manifest?.dialect ?? dialectFromName(path)
  if (!manifest)
    warnings.push(
      `No manifest (${path}.json): the restore is tested, but there is nothing to compare counts with.`,
    )
  else if ((await sha256(path)) !== manifest.sha256) {
    problems.push(
      'the file does not match the checksum in its manifest (truncated or modified since the backup)',
    )
  }
  const tableName = options.tableName ?? manifest?.migrations.table ?? 'knex_migrations'
  let restored: { tables: Record<string, number>; migrations: BackupManifest['migrations'] } | undefined
  let restoreMs = 0
  let scratch: string | undefined
  if (problems.length === 0) {
    const restoreStarted = performance.now()
    if (dialect === 'pglite') {
      restored = await readPgliteDump(path, tableName)
      restoreMs = Math.round(performance.now() - restoreStarted)
    } else {
      scratch = `kit_verify_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
      const outcome = await restoreIntoScratch(options.knex, dialect, path, scratch, tableName, limits)
      restored = outcome.restored
      restoreMs = outcome.restoreMs
    }
  }
  const result: VerifyResult = {
    file: path,
    dialect,
    restoreMs,
    totalMs: 0,
    migrations: {
      expected: manifest?.migrations.count ?? null,
      actual: restored?.migrations.count ?? 0,
      last: restored?.migrations.last ?? null,
    },
    tables: [],
    warnings,
  }
  if (scratch) result.scratch = scratch
  if (restored) compare(manifest, restored, result, problems, tableName)
  result.totalMs = Math.round(performance.now() - started)
  if (problems.length > 0) {
    throw new KitError(
      'KIT_MIGRATE_VERIFY_FAILED',
      `Backup ${path} failed verification: ${problems.join('; ')}. Do not rely on it: take a new backup and verify it.`,
      { details: result },
    )
  }
  log.info(
    { file: path, restoreMs, totalMs: result.totalMs, tables: result.tables.length },
    'backup verified',
  )
  return result
}

async function restoreIntoScratch(
  source: KnexSource | undefined,
  dialect: Exclude<Dialect, 'pglite'>,
  path: string,
  scratch: string,
  tableName: string,
  limits: { binDir: string | undefined; timeoutMs: number },
): Promise<{
  restored: { tables: Record<string, number>; migrations: BackupManifest['migrations'] }
  restoreMs: number
}> {
  if (!source)
    throw invalidOption('knex', source, `a connection to a ${dialect} server to restore the backup into`)
  const connection = await connect(source)
  let copy: Knex | undefined
  let drop: (() => Promise<void>) | undefined
  try {
    if (connection.dialect !== dialect) {
      throw invalidOption(
        'knex',
        connection.dialect,
        `a ${dialect} server: this backup was taken from ${dialect}`,
      )
    }
    const restoreStarted = performance.now()
    const restore = dialect === 'postgres' ? restorePostgresScratch : restoreMysqlScratch
    const scratchDb = await restore(connection.knex, path, scratch, limits)
    drop = scratchDb.drop
    const restoreMs = Math.round(performance.now() - restoreStarted)
    const client = (connection.knex.client as { config: Knex.Config }).config.client
    copy = knexFactory({
      client,
      connection: scratchDb.connection as Knex.Config['connection'],
      pool: { min: 0, max: 1 },
    })
    const db = copy
    const query: Query = async (sql, values = []) =>
      rowsOf(dialect, await db.raw(sql, values as Knex.RawBinding[]))
    const family = dialect === 'mysql' ? 'mysql' : 'postgres'
    const tables = await countTables(query, family)
    return {
      restored: { tables, migrations: await migrationsInfo(query, family, tableName, tables) },
      restoreMs,
    }
  } finally {
    await copy?.destroy().catch(() => {})
    await drop?.().catch(() => {})
    await disconnect(connection)
  }
}

function compare(
  manifest: BackupManifest | undefined,
  restored: { tables: Record<string, number>; migrations: BackupManifest['migrations'] },
  result: VerifyResult,
  problems: string[],
  tableName: string,
): void {
  const hasHistory = Object.keys(restored.tables).some(
    (name) => name === tableName || name.endsWith(`.${tableName}`),
  )
  if (!manifest) {
    if (!hasHistory) problems.push(`the restored copy has no ${tableName} table`)
  } else {
    const expected = manifest.migrations
    if (expected.count !== restored.migrations.count || expected.last !== restored.migrations.last) {
      problems.push(
        `the migrations table holds ${restored.migrations.count} rows (last ${restored.migrations.last}), the manifest says ${expected.count} (last ${expected.last})`,
      )
    }
    if (expected.count === 0)
      result.warnings.push(`The backup has no applied migrations (${tableName} is empty or absent).`)
  }
  const names = new Set([...Object.keys(restored.tables), ...Object.keys(manifest?.tables ?? {})])
  for (const name of [...names].sort()) {
    const want = manifest ? (manifest.tables[name] ?? null) : null
    const got = restored.tables[name] ?? null
    result.tables.push({ name, expected: want, actual: got })
    if (!manifest || want === got) continue
    const text = `${name}: ${got ?? 'missing'} rows restored, ${want ?? 'absent'} in the manifest`
    if (manifest.consistent || want === null || got === null) problems.push(text)
    else
      result.warnings.push(
        `${text} (MySQL counts are taken just before mysqldump's snapshot: writes in between show here)`,
      )
  }
}

function dialectFromName(path: string): Dialect {
  if (path.endsWith('.dump')) return 'postgres'
  if (path.endsWith('.sql.gz') || path.endsWith('.sql')) return 'mysql'
  if (path.endsWith('.tar.gz') || path.endsWith('.tgz')) return 'pglite'
  throw new KitError(
    'KIT_MIGRATE_BACKUP_NOT_FOUND',
    `${path} has no manifest and its extension (.dump, .sql.gz, .tar.gz) does not say what it is. Pass a file written by \`kit db backup\`.`,
  )
}
