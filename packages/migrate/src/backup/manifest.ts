import { readFile, writeFile } from 'node:fs/promises'
import type { Dialect, SqlFamily } from '../dialect.ts'

/** A query on whatever connection holds the snapshot being described. */
export type Query = (sql: string, values?: unknown[]) => Promise<Record<string, any>[]>

/** Written beside every backup as `<file>.json`: what the restored copy must contain. */
export interface BackupManifest {
  format: 'kit-backup/1'
  dialect: Dialect
  database: string
  /** The backup's file name (same folder as the manifest). */
  file: string
  createdAt: string
  bytes: number
  sha256: string
  durationMs: number
  /** True when the counts come from the very snapshot that was dumped (Postgres, PGlite); MySQL counts are taken just before. */
  consistent: boolean
  tool: string
  migrations: { table: string; count: number; last: string | null }
  /** Row count per table (`schema.table` on Postgres). */
  tables: Record<string, number>
}

export function manifestPath(backupFile: string): string {
  return `${backupFile}.json`
}

export async function writeManifest(backupFile: string, manifest: BackupManifest): Promise<void> {
  await writeFile(manifestPath(backupFile), `${JSON.stringify(manifest, null, 2)}\n`)
}

export async function readManifest(backupFile: string): Promise<BackupManifest | undefined> {
  try {
    const parsed = JSON.parse(await readFile(manifestPath(backupFile), 'utf8')) as BackupManifest
    return parsed.format === 'kit-backup/1' ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Exact row counts of every table, in one statement. */
export async function countTables(query: Query, family: SqlFamily): Promise<Record<string, number>> {
  const names =
    family === 'postgres'
      ? (
          await query(
            `select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
             and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%' order by 1, 2`,
          )
        ).map((row) => ({ label: `${row.s}.${row.t}`, sql: `"${esc(row.s, '"')}"."${esc(row.t, '"')}"` }))
      : (
          await query(
            "select table_name as t from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' order by 1",
          )
        ).map((row) => ({ label: String(row.t), sql: `\`${esc(row.t, '`')}\`` }))
  if (names.length === 0) return {}
  const union = names.map((name, i) => `select ${i} as i, count(*) as n from ${name.sql}`).join(' union all ')
  const counts: Record<string, number> = {}
  for (const row of await query(union)) counts[names[Number(row.i)]!.label] = Number(row.n)
  return counts
}

/** How many migrations the history table records, and the last one. */
export async function migrationsInfo(
  query: Query,
  family: SqlFamily,
  table: string,
  tables: Record<string, number>,
): Promise<BackupManifest['migrations']> {
  // On Postgres the history may sit in another schema (knex's migrations.schemaName): use the counted table's own name.
  const found = Object.keys(tables).find((name) => name === table || name.endsWith(`.${table}`))
  if (!found) return { table, count: 0, last: null }
  const quoted =
    family === 'postgres'
      ? found
          .split('.')
          .map((part) => `"${esc(part, '"')}"`)
          .join('.')
      : `\`${esc(found, '`')}\``
  const rows = await query(`select name from ${quoted} order by id desc limit 1`)
  return { table, count: tables[found] ?? 0, last: (rows[0]?.name as string | undefined) ?? null }
}

function esc(name: unknown, quote: string): string {
  return String(name)
    .split(quote)
    .join(quote + quote)
}
