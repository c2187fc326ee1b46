import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresDatabase, spawnTs, type TestDatabase, WORKSPACE_ROOT } from '@kit/test-utils'
import knex from 'knex'
import { afterAll, beforeAll, expect, it } from 'vitest'

let db: TestDatabase
const project = mkdtempSync(join(tmpdir(), 'kit-release-flags-'))

beforeAll(async () => {
  db = await createPostgresDatabase('release_flags')
  mkdirSync(join(project, 'migrations'))
  writeFileSync(
    join(project, 'migrations', '20260101000000_notes.mjs'),
    "export const up = (knex) => knex.schema.createTable('notes', (t) => { t.increments('id') })\nexport const down = (knex) => knex.schema.dropTable('notes')\n",
  )
  writeFileSync(
    join(project, 'kit.config.mjs'),
    'export default { flags: { newCheckout: { default: false } } }\n',
  )
})
afterAll(async () => {
  await db.drop()
  rmSync(project, { recursive: true, force: true })
})

it('kit release applies the migrations and creates the feature-flag tables when kit.config defines flags', async () => {
  const cli = spawnTs(join(WORKSPACE_ROOT, 'packages/core/src/cli/bin.ts'), ['release'], {
    cwd: project,
    env: { DATABASE_URL: db.url, NODE_ENV: 'production', APP_URL: 'https://example.com' },
  })
  const { code } = await cli.exited
  expect(code, cli.stdout() + cli.stderr()).toBe(0)
  const conn = knex({ client: 'pg', connection: db.url })
  const tables = await conn.raw("select tablename from pg_tables where schemaname = 'public' order by 1")
  await conn.destroy()
  expect(tables.rows.map((r: { tablename: string }) => r.tablename)).toEqual(
    expect.arrayContaining(['notes', 'kit_feature_flags', 'kit_feature_flag_audit']),
  )
})
