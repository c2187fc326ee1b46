import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMariaDatabase, createPostgresDatabase } from '@kit/test-utils'
import knexFactory, { type Knex } from 'knex'
import ClientPGLite from 'knex-pglite'

export type TestDialect = 'postgres' | 'mariadb' | 'pglite'
export const DIALECTS: readonly TestDialect[] = ['postgres', 'mariadb', 'pglite']

/** A throwaway database of one dialect, reachable from this process and from spawned fixtures. */
export interface TestTarget {
  dialect: TestDialect
  /** A factory: a new knex each call (PGlite: opens the data directory, so call it only while holding the lock). */
  knex: () => Knex
  /** For PGlite: the lock file every process must use. */
  lockFile?: string
  /** Environment for test/fixtures/release.ts. */
  env: Record<string, string>
  cleanup(): Promise<void>
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `kit-migrate-${label}-`))
}

let pgliteTemplate: string | undefined

/** An initialised PGlite data directory (initdb takes seconds): made once per test file, copied per target. */
async function freshPgliteDir(): Promise<string> {
  if (!pgliteTemplate) {
    const dir = join(tempDir('pglite-template'), 'pgdata')
    const knex = knexFactory({ client: ClientPGLite, connection: { filename: dir } } as Knex.Config)
    await knex.raw('select 1')
    await knex.destroy()
    pgliteTemplate = dir
    process.once('exit', () => rmSync(join(dir, '..'), { recursive: true, force: true }))
  }
  const dir = join(tempDir('pglite'), 'pgdata')
  cpSync(pgliteTemplate, dir, { recursive: true })
  return dir
}

export async function createTarget(dialect: TestDialect, label: string): Promise<TestTarget> {
  if (dialect === 'pglite') {
    const dataDir = await freshPgliteDir()
    const lockFile = `${dataDir}.lock`
    return {
      dialect,
      knex: () => knexFactory({ client: ClientPGLite, connection: { filename: dataDir } } as Knex.Config),
      lockFile,
      env: { KIT_TEST_DIALECT: dialect, KIT_TEST_PGDATA: dataDir, KIT_TEST_LOCK_FILE: lockFile },
      async cleanup() {
        rmSync(join(dataDir, '..'), { recursive: true, force: true })
      },
    }
  }
  const db = dialect === 'postgres' ? await createPostgresDatabase(label) : await createMariaDatabase(label)
  const client = dialect === 'postgres' ? 'pg' : 'mysql2'
  const made: Knex[] = []
  return {
    dialect,
    knex: () => {
      const knex = knexFactory({ client, connection: db.url, pool: { min: 0, max: 4 } })
      made.push(knex)
      return knex
    },
    env: { KIT_TEST_DIALECT: dialect, KIT_TEST_DATABASE_URL: db.url },
    async cleanup() {
      await Promise.all(made.map((knex) => knex.destroy().catch(() => {})))
      await db.drop()
    },
  }
}

/** A project folder with `"type": "module"` and a migrations directory holding the given files. */
export function writeProject(
  label: string,
  files: Record<string, string>,
): { cwd: string; directory: string } {
  const cwd = tempDir(label)
  writeFileSync(join(cwd, 'package.json'), '{ "type": "module" }\n')
  const directory = join(cwd, 'migrations')
  mkdirSync(directory)
  for (const [name, body] of Object.entries(files)) writeFileSync(join(directory, name), body)
  return { cwd, directory }
}

export function addMigration(directory: string, name: string, body: string): void {
  writeFileSync(join(directory, name), body)
}

/** A migration that creates a table and logs its own run in `applied_log` (to count runs). */
export function loggedMigration(table: string, extra = ''): string {
  return `
export async function up(knex) {
  if (!(await knex.schema.hasTable('applied_log'))) {
    await knex.schema.createTable('applied_log', (t) => { t.increments(); t.string('name') })
  }
  await knex.schema.createTable('${table}', (t) => { t.increments(); t.string('label') })
  await knex('applied_log').insert({ name: '${table}' })
  ${extra}
}
export async function down(knex) {
  await knex.schema.dropTable('${table}')
  await knex('applied_log').where({ name: '${table}' }).del()
}
`
}

/** Rows of a query, whatever the dialect's raw result shape. */
export async function rows<T = Record<string, unknown>>(
  knex: Knex,
  sql: string,
  bindings: unknown[] = [],
): Promise<T[]> {
  const result = (await knex.raw(sql, bindings as Knex.RawBinding[])) as unknown
  if (Array.isArray(result)) return result[0] as T[]
  return (result as { rows: T[] }).rows
}
