import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createMariaDatabase, createPostgresDatabase } from '@kit/test-utils'
import knexFactory, { type Knex } from 'knex'
import ClientPGLite from 'knex-pglite'

const require = createRequire(import.meta.url)

/** knex logs every failed connection to the console; outage tests cause many on purpose. */
export const QUIET_KNEX_LOG: Knex.Config['log'] = { warn() {}, error() {}, debug() {}, deprecate() {} }

export type Dialect = 'postgres' | 'mariadb' | 'pglite'
export const DIALECTS: readonly Dialect[] = ['postgres', 'mariadb', 'pglite']

/** A throwaway database: `knex()` opens a pool on it (PGlite: the one connection), `drop()` removes everything. */
export interface TestDatabase {
  dialect: Dialect
  /** Connection URL (server databases only). */
  url: string | undefined
  /** A new pool per call on servers; PGlite opens its directory once, so every call returns that one knex. */
  knex(): Knex
  drop(): Promise<void>
}

/**
 * An initialised PGlite data directory, copied for each test database:
 * initdb takes seconds, so it runs once per PGlite version (published with an
 * atomic rename, so files running in parallel never see half of it).
 */
async function pgliteTemplate(): Promise<string> {
  const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json')
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
  const template = join(tmpdir(), `kit-flags-pglite-template-${version}`)
  if (existsSync(template)) return template
  const building = join(mkdtempSync(join(tmpdir(), 'kit-flags-pglite-build-')), 'pgdata')
  const knex = knexFactory({ client: ClientPGLite, connection: { filename: building } } as Knex.Config)
  await knex.raw('select 1')
  await knex.destroy()
  try {
    renameSync(building, template)
  } catch {
    // Another file published it first.
  }
  rmSync(dirname(building), { recursive: true, force: true })
  return template
}

export async function createTestDatabase(dialect: Dialect, label: string): Promise<TestDatabase> {
  const made: Knex[] = []
  if (dialect === 'pglite') {
    const dir = join(mkdtempSync(join(tmpdir(), 'kit-flags-pglite-')), 'pgdata')
    cpSync(await pgliteTemplate(), dir, { recursive: true })
    return {
      dialect,
      url: undefined,
      knex() {
        if (made[0]) return made[0]
        const knex = knexFactory({ client: ClientPGLite, connection: { filename: dir } } as Knex.Config)
        made.push(knex)
        return knex
      },
      async drop() {
        await Promise.all(made.map((knex) => knex.destroy().catch(() => {})))
        rmSync(dirname(dir), { recursive: true, force: true })
      },
    }
  }
  const db = dialect === 'postgres' ? await createPostgresDatabase(label) : await createMariaDatabase(label)
  return {
    dialect,
    url: db.url,
    knex() {
      const knex = knexFactory({
        client: dialect === 'postgres' ? 'pg' : 'mysql2',
        connection: db.url,
        pool: { min: 0, max: 4 },
        acquireConnectionTimeout: 5000,
        log: QUIET_KNEX_LOG,
      })
      made.push(knex)
      return knex
    },
    async drop() {
      await Promise.all(made.map((knex) => knex.destroy().catch(() => {})))
      await db.drop()
    },
  }
}
