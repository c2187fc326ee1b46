import { readFile, writeFile } from 'node:fs/promises'
import { importOptional } from '@kit/internal'
import type { Knex } from 'knex'
import { rowsOf } from '../dialect.ts'
import { type BackupManifest, countTables, migrationsInfo, type Query } from './manifest.ts'
import type { DumpResult } from './types.ts'

interface PGliteLike {
  waitReady: Promise<void>
  dumpDataDir(compression?: 'gzip' | 'none' | 'auto'): Promise<Blob>
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
  close(): Promise<void>
}

/**
 * PGlite's own dump: a gzipped tarball of its data directory, taken on its
 * single connection right after the counts (nothing else can write between
 * them in this process while the release holds it).
 */
export async function dumpPglite(
  knex: Knex,
  file: string,
  options: { tableName: string },
): Promise<DumpResult> {
  const query: Query = async (sql, values = []) =>
    rowsOf('pglite', await knex.raw(sql, values as Knex.RawBinding[]))
  const tables = await countTables(query, 'postgres')
  const migrations = await migrationsInfo(query, 'postgres', options.tableName, tables)
  // The pool holds exactly one PGlite instance; knex-pglite keeps it on the client.
  const pglite = (knex.client as unknown as { pglite: PGliteLike }).pglite
  await pglite.waitReady
  const blob = await pglite.dumpDataDir('gzip')
  await writeFile(file, Buffer.from(await blob.arrayBuffer()))
  return { database: 'pglite', tables, migrations, consistent: true, tool: 'PGlite dumpDataDir' }
}

/** Loads a dump into an in-memory PGlite and reads back what the manifest describes. */
export async function readPgliteDump(
  file: string,
  tableName: string,
): Promise<{ tables: Record<string, number>; migrations: BackupManifest['migrations'] }> {
  const { PGlite } = await importOptional<{ PGlite: new (options: object) => PGliteLike }>(
    '@electric-sql/pglite',
    'Verifying a PGlite backup',
  )
  const db = new PGlite({ loadDataDir: new Blob([await readFile(file)]) })
  try {
    await db.waitReady
    const query: Query = async (sql, values = []) =>
      (await db.query<Record<string, unknown>>(sql, values)).rows
    const tables = await countTables(query, 'postgres')
    return { tables, migrations: await migrationsInfo(query, 'postgres', tableName, tables) }
  } finally {
    await db.close()
  }
}
