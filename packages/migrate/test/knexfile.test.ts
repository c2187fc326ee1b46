// A knexfile read by `kit release` / `kit migrate`, on real PostgreSQL and
// MariaDB: the environment NODE_ENV selects, migrations in a non-default
// directory, table and (Postgres) schema, loadExtensions, the connection, and
// how kit.config and DATABASE_URL take precedence.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryStream } from '@kit/test-utils'
import knexFactory from 'knex'
import { afterAll, describe, expect, it } from 'vitest'
// The CLI lives in @kit/core, which depends on this package: imported by path, not by name.
import { runCli } from '../../core/src/cli/index.ts'
import { createTarget, rows, type TestTarget, tempDir } from './helpers.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function database(
  dialect: 'postgres' | 'mariadb',
  label: string,
): Promise<TestTarget & { url: string }> {
  const target = await createTarget(dialect, label)
  cleanups.push(() => target.cleanup())
  return { ...target, url: target.env.KIT_TEST_DATABASE_URL! }
}

/** An app folder: files by relative path. CommonJS unless package.json says otherwise. */
function app(label: string, files: Record<string, string>): string {
  const cwd = tempDir(label)
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }))
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(cwd, path, '..'), { recursive: true })
    writeFileSync(join(cwd, path), body)
  }
  return cwd
}

async function kit(args: string[], cwd: string, env: Record<string, string>) {
  const stdout = new MemoryStream()
  const stderr = new MemoryStream()
  const code = await runCli(args, {
    stdout,
    stderr,
    cwd,
    env: { NODE_ENV: 'test', KIT_PRESET: '', DYNO: '', FORCE_COLOR: '0', CI: '1', DATABASE_URL: '', ...env },
  })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

const cjsMigration = (table: string) => `
exports.up = async function (knex) {
  await knex.schema.createTable('${table}', (t) => { t.increments(); t.string('label') })
}
exports.down = async function (knex) { await knex.schema.dropTable('${table}') }
`
const esmMigration = (table: string) => `
export async function up(knex) {
  await knex.schema.createTable('${table}', (t) => { t.increments(); t.string('label') })
}
export async function down(knex) { await knex.schema.dropTable('${table}') }
`

async function query(url: string, dialect: 'postgres' | 'mariadb', sql: string, bindings: unknown[] = []) {
  const knex = knexFactory({ client: dialect === 'postgres' ? 'pg' : 'mysql2', connection: url })
  try {
    return await rows(knex, sql, bindings)
  } finally {
    await knex.destroy()
  }
}

describe.each(['postgres', 'mariadb'] as const)('%s: a CommonJS knexfile', (dialect) => {
  it('status, release, down and up use its test environment: directory, tableName, loadExtensions and connection', async () => {
    const db = await database(dialect, 'knexfile-cjs')
    const client = dialect === 'postgres' ? 'pg' : 'mysql2'
    const schema = dialect === 'postgres' ? "schemaName: 'app_meta'," : ''
    const cwd = app('knexfile-cjs', {
      'package.json': '{ "name": "legacy-app" }\n',
      'knexfile.js': `module.exports = {
  development: { client: 'sqlite3', connection: { filename: './dev.sqlite3' } },
  test: {
    client: '${client}',
    connection: ${JSON.stringify(db.url)},
    pool: { min: 0, max: 2 },
    migrations: { directory: './db/migrations', tableName: 'schema_history', ${schema} loadExtensions: ['.js'] },
  },
}
`,
      'db/migrations/20240101000000_users.js': cjsMigration('users'),
      'db/migrations/20240102000000_posts.js': cjsMigration('posts'),
      // The TypeScript source of a compiled migration: loadExtensions ['.js'] says it is not one.
      'db/migrations/20240102000000_posts.ts': 'export {}\n',
      'db/migrations/notes.txt.bak': 'not a migration either\n',
    })

    // DATABASE_URL unset: the knexfile's connection is used, as `knex migrate:latest` would.
    const status = await kit(['migrate', 'status', '--json'], cwd, {})
    expect(status.code, status.stderr).toBe(0)
    expect(JSON.parse(status.stdout).pending).toEqual(['20240101000000_users.js', '20240102000000_posts.js'])
    expect(status.stderr).toContain('DATABASE_URL is unset: using the connection of knexfile.js (test)')
    expect(status.stderr).toContain('kit does not use pool')

    const release = await kit(['release', '--json'], cwd, {})
    expect(release.code, release.stderr).toBe(0)
    const summary = JSON.parse(release.stdout)
    expect(summary.applied).toEqual(['20240101000000_users.js', '20240102000000_posts.js'])
    expect(summary.steps.find((s: { step: string }) => s.step === 'env').detail).toBe(
      'knexfile.js (test) connection',
    )

    const history =
      dialect === 'postgres'
        ? await query(db.url, dialect, 'select name, batch from app_meta.schema_history order by id')
        : await query(db.url, dialect, 'select name, batch from schema_history order by id')
    expect(history).toEqual([
      { name: '20240101000000_users.js', batch: 1 },
      { name: '20240102000000_posts.js', batch: 1 },
    ])
    if (dialect === 'postgres') {
      // knex's own tables and kit's sit in the schema, none in public.
      const tables = await query(
        db.url,
        dialect,
        "select table_schema || '.' || table_name as name from information_schema.tables where table_name like 'schema_history%' order by 1",
      )
      expect(tables.map((t) => t.name)).toEqual([
        'app_meta.schema_history',
        'app_meta.schema_history_kit',
        'app_meta.schema_history_lock',
      ])
    }

    const down = await kit(['migrate', 'down'], cwd, {})
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toContain('Rolled back 2: 20240102000000_posts.js, 20240101000000_users.js')
    const up = await kit(['migrate', 'up', '--json'], cwd, {})
    expect(up.code, up.stderr).toBe(0)
    expect(JSON.parse(up.stdout).batch).toBe(1)
    // `kit migrate make` writes into the knexfile's folder, in the package's module system.
    const made = await kit(['migrate', 'make', 'add_tags', '--json'], cwd, {})
    expect(made.code, made.stderr).toBe(0)
    const file = JSON.parse(made.stdout).file as string
    expect(file).toMatch(/\/db\/migrations\/\d{14}_add_tags\.js$/)
    expect(readFileSync(file, 'utf8')).toContain('exports.up')
    rmSync(file)
    const again = await kit(['migrate', 'status', '--json'], cwd, {})
    expect(JSON.parse(again.stdout)).toMatchObject({
      pending: [],
      applied: ['20240101000000_users.js', '20240102000000_posts.js'],
    })
  })
})

describe.each(['postgres', 'mariadb'] as const)('%s: an ESM knexfile with DATABASE_URL set', (dialect) => {
  it('two releases at once apply each migration once (the lock still holds)', async () => {
    const db = await database(dialect, 'knexfile-esm')
    const schema = dialect === 'postgres' ? "schemaName: 'releases'," : ''
    const cwd = app('knexfile-esm', {
      'package.json': '{ "type": "module" }\n',
      // A flat knexfile (no environments), connection from the environment, as most apps write it.
      'knexfile.mjs': `export default {
  client: '${dialect === 'postgres' ? 'postgresql' : 'mysql2'}',
  connection: ${JSON.stringify(db.url)},
  migrations: { directory: 'database/changes', tableName: 'changes', ${schema} },
}
`,
      'database/changes/001_accounts.js': esmMigration('accounts'),
      // Slow enough that the second release arrives while the first holds the lock.
      'database/changes/002_slow.js': `export async function up(knex) { await knex.raw('${dialect === 'postgres' ? 'select pg_sleep(0.5)' : 'select sleep(0.5)'}') }\n`,
    })
    const env = { DATABASE_URL: db.url }
    const [a, b] = await Promise.all([
      kit(['release', '--json'], cwd, env),
      kit(['release', '--json'], cwd, env),
    ])
    expect(a.code, a.stderr).toBe(0)
    expect(b.code, b.stderr).toBe(0)
    // Same database in both: no conflict warning.
    expect(a.stderr).not.toContain('warning')
    const applied = [JSON.parse(a.stdout).applied, JSON.parse(b.stdout).applied].sort(
      (x, y) => y.length - x.length,
    )
    expect(applied).toEqual([['001_accounts.js', '002_slow.js'], []])
    // A backup finds the history where the knexfile put it (its schema, its table name).
    const backup = await kit(['db', 'backup', '--json'], cwd, env)
    expect(backup.code, backup.stderr).toBe(0)
    expect(JSON.parse(backup.stdout).manifest.migrations).toEqual({
      table: 'changes',
      count: 2,
      last: '002_slow.js',
    })
    const table = dialect === 'postgres' ? 'releases.changes' : 'changes'
    expect(await query(db.url, dialect, `select name from ${table} order by id`)).toEqual([
      { name: '001_accounts.js' },
      { name: '002_slow.js' },
    ])
  })
})

describe('precedence', () => {
  it('DATABASE_URL wins over a knexfile connection to another database, with a warning', async () => {
    const db = await database('postgres', 'knexfile-wins')
    const cwd = app('knexfile-url-wins', {
      'knexfile.cjs': `module.exports = {
  test: { client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', password: 'knexfile-secret-77', database: 'somewhere_else' } },
}
`,
      'migrations/001_a.js': cjsMigration('a'),
    })
    const run = await kit(['migrate', 'up', '--json'], cwd, { DATABASE_URL: db.url })
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).applied).toEqual(['001_a.js'])
    expect(run.stderr).toMatch(
      /warning: knexfile\.cjs \(test\) connects to 127\.0\.0\.1:5432\/somewhere_else but DATABASE_URL to 127\.0\.0\.1:5432\/\S+: using DATABASE_URL/,
    )
    expect(run.stderr).not.toContain('knexfile-secret-77')
  })

  it('kit.config migrations settings win over the knexfile, with a warning', async () => {
    const db = await database('postgres', 'knexfile-kitconfig')
    const cwd = app('knexfile-kitconfig', {
      'package.json': '{ "type": "module" }\n',
      'kit.config.mjs': "export default { migrations: { directory: 'kit-migrations' } }\n",
      'knexfile.mjs':
        "export const test = { client: 'pg', migrations: { directory: 'knex-migrations', tableName: 'knex_history' } }\n",
      'kit-migrations/001_kit.js': esmMigration('from_kit'),
      'knex-migrations/001_knex.js': esmMigration('from_knex'),
    })
    const run = await kit(['migrate', 'up', '--json'], cwd, { DATABASE_URL: db.url })
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).applied).toEqual(['001_kit.js'])
    expect(run.stderr).toContain(
      'warning: migrations.directory is "kit-migrations" in kit.config but "knex-migrations" in knexfile.mjs (test): using kit.config\'s.',
    )
    // What kit.config leaves unset still comes from the knexfile.
    expect(await query(db.url, 'postgres', 'select name from knex_history')).toEqual([{ name: '001_kit.js' }])
  })
  it('with DATABASE_URL set, a development-only client in the knexfile is a warning, not a failure', async () => {
    const db = await database('postgres', 'knexfile-sqlite-dev')
    const cwd = app('knexfile-sqlite-dev', {
      'knexfile.js': "module.exports = { client: 'sqlite3', connection: { filename: './dev.sqlite3' } }\n",
      'migrations/001_a.js': cjsMigration('a'),
    })
    const run = await kit(['migrate', 'up', '--json'], cwd, { DATABASE_URL: db.url })
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).applied).toEqual(['001_a.js'])
    expect(run.stderr).toContain('warning: knexfile.js uses the knex client "sqlite3"')
    expect(run.stderr).toContain('Using DATABASE_URL.')
  })
})

describe('knexfile.ts', () => {
  it('is loaded without a TypeScript install (jiti), type imports and annotations included', async () => {
    const db = await database('postgres', 'knexfile-ts')
    const cwd = app('knexfile-ts', {
      'package.json': '{ "type": "module" }\n',
      'knexfile.ts': `import type { Knex } from 'knex'
const config: { [env: string]: Knex.Config } = {
  test: { client: 'pg', connection: ${JSON.stringify(db.url)}, migrations: { directory: './src/db/migrations', extension: 'ts' } },
}
export default config
`,
      'src/db/migrations/001_widgets.ts': `import type { Knex } from 'knex'
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('widgets', (t) => { t.increments() })
}
export async function down(knex: Knex): Promise<void> { await knex.schema.dropTable('widgets') }
`,
    })
    const run = await kit(['release', '--json'], cwd, {})
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).applied).toEqual(['001_widgets.ts'])
    expect(run.stderr).toContain('kit does not use migrations.extension')
  })
})

describe('a knexfile kit cannot honour', () => {
  it.each([
    [
      'no entry for NODE_ENV',
      "module.exports = { development: { client: 'pg' }, production: { client: 'pg' } }\n",
      /KIT_MIGRATE_KNEXFILE_INVALID: knexfile\.js has no `test` environment \(NODE_ENV=test\); it has development, production/,
    ],
    [
      'a custom migrationSource',
      "module.exports = { client: 'pg', migrations: { migrationSource: {} } }\n",
      /KIT_MIGRATE_KNEXFILE_INVALID: knexfile\.js sets migrations\.migrationSource/,
    ],
    [
      'a file that throws',
      "throw new Error('boom from knexfile')\n",
      /KIT_MIGRATE_KNEXFILE_INVALID: knexfile\.js could not be loaded: boom from knexfile/,
    ],
    [
      'an extension kit cannot load',
      "module.exports = { client: 'pg', migrations: { loadExtensions: ['.coffee'] } }\n",
      /KIT_MIGRATE_INVALID_OPTION: Option `loadExtensions` lists \.coffee/,
    ],
  ])('%s: a KIT_ error that says what to change', async (_what, knexfile, expected) => {
    const db = await database('postgres', 'knexfile-bad')
    const cwd = app('knexfile-bad', { 'knexfile.js': knexfile, 'migrations/001_a.js': cjsMigration('a') })
    const run = await kit(['migrate', 'status'], cwd, { DATABASE_URL: db.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(expected)
    expect(run.stderr).not.toMatch(/TypeError/)
  })
})

describe('a knexfile connection kit cannot use, with DATABASE_URL unset', () => {
  it('a client kit does not run on is a KIT_ error naming it', async () => {
    const cwd = app('knexfile-sqlite-only', {
      'knexfile.js': "module.exports = { client: 'sqlite3', connection: { filename: 'dev.sqlite3' } }\n",
      'migrations/001_a.js': cjsMigration('a'),
    })
    const run = await kit(['migrate', 'status'], cwd, {})
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /KIT_MIGRATE_KNEXFILE_INVALID: knexfile\.js uses the knex client "sqlite3"; kit release and kit migrate run on PostgreSQL \(pg\) and MySQL\/MariaDB \(mysql2\)/,
    )
  })

  it('a malformed connection URL is a KIT_ error that never shows its password', async () => {
    const cwd = app('knexfile-bad-url', {
      'knexfile.js':
        "module.exports = { client: 'pg', connection: 'postgres://app:knexfile-pw-31@db.example.com:notaport/app' }\n",
      'migrations/001_a.js': cjsMigration('a'),
    })
    const run = await kit(['migrate', 'status'], cwd, {})
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('KIT_CORE_DATABASE_URL_INVALID: knexfile.js connection is not a valid URL.')
    expect(run.stderr).not.toContain('knexfile-pw-31')
  })
})
