import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createMariaDatabase, createPostgresDatabase, WORKSPACE_ROOT } from '@kit/test-utils'
import knexFactory, { type Knex } from 'knex'
import ClientPGLite from 'knex-pglite'

const require = createRequire(import.meta.url)

export type TestDialect = 'postgres' | 'mariadb' | 'pglite'
export const DIALECTS: readonly TestDialect[] = ['postgres', 'mariadb', 'pglite']

/** A throwaway database of one dialect, reachable from this process and from spawned fixtures. */
export interface TestTarget {
  dialect: TestDialect
  /** A factory: a new knex each call (PGlite: one shared instance per process, see createTarget). */
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

/**
 * An initialised PGlite data directory to copy from: initdb takes seconds, so
 * it runs once per PGlite version and machine (a cache in the temp folder,
 * published with an atomic rename so parallel test files never see half of it).
 */
async function pgliteTemplate(): Promise<string> {
  const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json')
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
  const template = join(tmpdir(), `kit-migrate-pglite-template-${version}`)
  if (existsSync(template)) return template
  const building = join(tempDir('pglite-build'), 'pgdata')
  const knex = knexFactory({ client: ClientPGLite, connection: { filename: building } } as Knex.Config)
  await knex.raw('select 1')
  await knex.destroy()
  try {
    renameSync(building, template)
  } catch {
    // Another test file published it first.
  }
  rmSync(join(building, '..'), { recursive: true, force: true })
  return template
}

async function freshPgliteDir(dir: string): Promise<string> {
  cpSync(await pgliteTemplate(), dir, { recursive: true })
  return dir
}

/**
 * A throwaway database. For PGlite, `pgliteDir` places the data directory
 * (the CLI uses `<app>/.kit/pgdata`); it is removed with the target.
 */
export async function createTarget(
  dialect: TestDialect,
  label: string,
  options: { pgliteDir?: string } = {},
): Promise<TestTarget> {
  if (dialect === 'pglite') {
    const dataDir = await freshPgliteDir(options.pgliteDir ?? join(tempDir('pglite'), 'pgdata'))
    const lockFile = `${dataDir}.lock`
    // Opening PGlite costs a second or more: this process opens the data directory once (when first
    // asked, so spawned releases can use it before) and every knex() call returns that instance,
    // whose destroy() is a no-op until cleanup.
    let shared: { knex: Knex; destroy: () => Promise<void> } | undefined
    return {
      dialect,
      knex: () => {
        if (!shared) {
          const knex = knexFactory({ client: ClientPGLite, connection: { filename: dataDir } } as Knex.Config)
          const keepOpen = async () => {}
          const proxy = new Proxy(knex, {
            get: (target, prop, receiver) =>
              prop === 'destroy' ? keepOpen : Reflect.get(target, prop, receiver),
          })
          shared = { knex: proxy, destroy: () => knex.destroy() }
        }
        return shared.knex
      },
      lockFile,
      env: { KIT_TEST_DIALECT: dialect, KIT_TEST_PGDATA: dataDir, KIT_TEST_LOCK_FILE: lockFile },
      async cleanup() {
        await shared?.destroy()
        rmSync(options.pgliteDir ?? join(dataDir, '..'), { recursive: true, force: true })
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

/** The `kit` CLI from sources, as a Procfile runs it. */
export const KIT_BIN: string = join(WORKSPACE_ROOT, 'packages/core/src/cli/bin.ts')

/** Environment for a `kit` process on `target`: only what the test sets, nothing from this machine. */
export function cliEnv(target: TestTarget, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: target.env.KIT_TEST_DATABASE_URL ?? '',
    REDIS_URL: '',
    KIT_PRESET: '',
    DYNO: '',
    KIT_DEBUG: '',
    FORCE_COLOR: '0',
    CI: '1',
    ...extra,
  }
}
