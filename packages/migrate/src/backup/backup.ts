import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { KitError, type KitLogger, redactString } from '@kit/internal'
import type { Connection } from '../connection.ts'
import type { Dialect } from '../dialect.ts'
import { invalidOption, nonNegativeInt, rejectUnknownKeys } from '../options.ts'
import { type BackupManifest, writeManifest } from './manifest.ts'
import { dumpMysql } from './mysql.ts'
import { dumpPglite } from './pglite.ts'
import { dumpPostgres } from './postgres.ts'
import type { DumpResult } from './types.ts'

export interface BackupOptions {
  /** Where backups are written, relative to the working directory. @default '.kit/backups' */
  directory?: string
  /** How many backups of this database to keep; older ones are deleted after a successful backup. @default 7 */
  keep?: number
  /** Folder of pg_dump / pg_restore or mysqldump / mysql, when they are not on PATH. @default PATH */
  binDir?: string
  /** Longest a dump (or a restore, when verifying) may run. @default 3_600_000 */
  timeoutMs?: number
}

export interface BackupConfig {
  directory: string
  keep: number
  binDir: string | undefined
  timeoutMs: number
}

export interface BackupResult {
  /** Absolute path of the backup file. */
  file: string
  /** Its manifest (`<file>.json`). */
  manifest: BackupManifest
  durationMs: number
  /** Older backups removed by the retention count. */
  deleted: string[]
}

const BACKUP_KEYS = ['directory', 'keep', 'binDir', 'timeoutMs'] as const
const EXTENSION: Record<Dialect, string> = { postgres: 'dump', mysql: 'sql.gz', pglite: 'tar.gz' }

export function parseBackupOptions(options: BackupOptions, cwd: string = process.cwd()): BackupConfig {
  rejectUnknownKeys(options, BACKUP_KEYS, 'backup options')
  const directory = options.directory ?? '.kit/backups'
  if (typeof directory !== 'string' || directory === '')
    throw invalidOption('backup.directory', directory, 'a path')
  const keep = nonNegativeInt('backup.keep', options.keep, 7)
  if (keep < 1) throw invalidOption('backup.keep', keep, 'at least 1 (the backup just taken)')
  if (options.binDir !== undefined && typeof options.binDir !== 'string') {
    throw invalidOption('backup.binDir', options.binDir, 'a folder path')
  }
  return {
    directory: resolve(cwd, directory),
    keep,
    binDir: options.binDir,
    timeoutMs: nonNegativeInt('backup.timeoutMs', options.timeoutMs, 3_600_000) || 3_600_000,
  }
}

/** Dumps the connected database, writes its manifest, then applies the retention count. */
export async function takeBackup(
  connection: Connection,
  options: BackupOptions,
  context: { tableName: string; log: KitLogger; cwd?: string },
): Promise<BackupResult> {
  const config = parseBackupOptions(options, context.cwd)
  await mkdir(config.directory, { recursive: true })
  const started = performance.now()
  const createdAt = new Date()
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace('.', '')
  const label = await databaseLabel(connection)
  const file = join(config.directory, `kit-${label}-${stamp}.${EXTENSION[connection.dialect]}`)
  const partial = `${file}.partial`
  let dump: DumpResult
  try {
    const dumpOptions = { binDir: config.binDir, timeoutMs: config.timeoutMs, tableName: context.tableName }
    if (connection.dialect === 'postgres') dump = await dumpPostgres(connection.knex, partial, dumpOptions)
    else if (connection.dialect === 'mysql') dump = await dumpMysql(connection.knex, partial, dumpOptions)
    else dump = await dumpPglite(connection.knex, partial, dumpOptions)
    await rename(partial, file)
  } catch (error) {
    await unlink(partial).catch(() => {})
    if (error instanceof KitError) throw error
    throw new KitError(
      'KIT_MIGRATE_BACKUP_FAILED',
      `The backup failed: ${redactString(String((error as Error).message ?? error))}.`,
      {
        cause: error,
      },
    )
  }
  const manifest: BackupManifest = {
    format: 'kit-backup/1',
    dialect: connection.dialect,
    database: dump.database,
    file: basename(file),
    createdAt: createdAt.toISOString(),
    bytes: (await stat(file)).size,
    sha256: await sha256(file),
    durationMs: Math.round(performance.now() - started),
    consistent: dump.consistent,
    tool: dump.tool,
    migrations: dump.migrations,
    tables: dump.tables,
  }
  await writeManifest(file, manifest)
  const deleted = await applyRetention(config.directory, `kit-${label}-`, config.keep)
  context.log.info(
    { file, bytes: manifest.bytes, durationMs: manifest.durationMs, deleted },
    'backup written',
  )
  return { file, manifest, durationMs: manifest.durationMs, deleted }
}

async function databaseLabel(connection: Connection): Promise<string> {
  if (connection.dialect === 'pglite') return 'pglite'
  const row = (await connection.knex.raw(
    connection.dialect === 'postgres' ? 'select current_database() as d' : 'select database() as d',
  )) as unknown
  const rows =
    connection.dialect === 'postgres'
      ? (row as { rows: { d: string }[] }).rows
      : (row as { d: string }[][])[0]
  return String(rows?.[0]?.d ?? 'db').replace(/[^A-Za-z0-9_.-]+/g, '_')
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Backups of one database, newest first (the timestamp in the name sorts). */
export async function listBackups(directory: string, prefix = 'kit-'): Promise<string[]> {
  let entries: string[]
  try {
    entries = await readdir(directory)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return entries
    .filter((name) => name.startsWith(prefix) && /\.(?:dump|sql\.gz|tar\.gz)$/.test(name))
    .sort()
    .reverse()
    .map((name) => join(directory, name))
}

async function applyRetention(directory: string, prefix: string, keep: number): Promise<string[]> {
  const old = (await listBackups(directory, prefix)).slice(keep)
  for (const file of old) {
    await unlink(file).catch(() => {})
    await unlink(`${file}.json`).catch(() => {})
  }
  return old
}
