import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnTs } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { createTarget, DIALECTS, loggedMigration, rows, type TestTarget, writeProject } from './helpers.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/release.ts', import.meta.url))
const targets: TestTarget[] = []

afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
})

async function historyOf(target: TestTarget): Promise<string[]> {
  const knex = target.knex()
  try {
    return (await rows<{ name: string }>(knex, 'select name from knex_migrations order by id')).map(
      (r) => r.name,
    )
  } finally {
    await knex.destroy()
  }
}

// Runs outside a transaction and, when told to, hangs half-way so the test can SIGKILL the release there.
const HANGING_NON_TRANSACTIONAL = `
export const config = { transaction: false }
export async function up(knex) {
  if (!(await knex.schema.hasTable('half_done'))) {
    await knex.schema.createTable('half_done', (t) => { t.increments() })
  }
  // The unsafe-operation check runs up() against a recording knex first: hang only for real.
  if (process.env.KIT_TEST_HANG === '1' && !knex.userParams?.kitCheck) {
    console.log('MIGRATION HALF-WAY')
    await new Promise((resolve) => setTimeout(resolve, 60_000))
  }
}
export async function down(knex) { await knex.schema.dropTableIfExists('half_done') }
`

describe.each(DIALECTS)('a release killed with SIGKILL on %s', (dialect) => {
  it('does not block the next release, which finishes the migration', async () => {
    const target = await createTarget(dialect, 'killed')
    targets.push(target)
    const project = writeProject('killed', {
      '001_first.js': loggedMigration('first_table'),
      '002_half.js': HANGING_NON_TRANSACTIONAL,
      '003_third.js': loggedMigration('third_table'),
    })
    const env = { ...target.env, KIT_TEST_MIGRATIONS: project.directory }
    const doomed = spawnTs(FIXTURE, [], { env: { ...env, KIT_TEST_HANG: '1' } })
    await doomed.waitFor('MIGRATION HALF-WAY', 40_000)
    doomed.child.kill('SIGKILL')
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' })
    if (target.lockFile) expect(existsSync(target.lockFile)).toBe(true)

    const next = spawnTs(FIXTURE, [], {
      env: { ...env, KIT_TEST_OPTIONS: JSON.stringify({ waitForLockMs: 20_000 }) },
    })
    const exit = await next.exited
    expect(exit.code, next.stdout() + next.stderr()).toBe(0)
    // knex's lock row was left at 1 by the killed process and is cleared under our lock.
    expect(next.stdout()).toContain('knex_migrations_lock: it was left locked')
    expect(next.stdout()).toContain('RESULT {"applied":["002_half.js","003_third.js"]}')
    expect(await historyOf(target)).toEqual(['001_first.js', '002_half.js', '003_third.js'])
    if (target.lockFile) expect(existsSync(target.lockFile)).toBe(false)
  }, 120_000)
})

describe.each(DIALECTS)('a failing migration on %s', (dialect) => {
  it('rolls back, exits non-zero and applies nothing after it', async () => {
    const target = await createTarget(dialect, 'failing')
    targets.push(target)
    const project = writeProject('failing', {
      '001_first.js': loggedMigration('first_table'),
      // The insert is rolled back with the failure (a Postgres CREATE TABLE too; MySQL commits DDL at once).
      '002_broken.js': `
export async function up(knex) {
  await knex('first_table').insert({ label: 'from the broken migration' })
  ${dialect === 'mariadb' ? '' : "await knex.schema.createTable('broken_table', (t) => { t.increments() })"}
  await knex.raw('select * from no_such_table')
}
export async function down() {}
`,
      '003_after.js': loggedMigration('after_table'),
    })
    const run = spawnTs(FIXTURE, [], { env: { ...target.env, KIT_TEST_MIGRATIONS: project.directory } })
    const exit = await run.exited
    expect(exit.code).toBe(1)
    expect(run.stderr()).toContain('ERROR KIT_MIGRATE_MIGRATION_FAILED Migration 002_broken.js (up) failed')
    expect(run.stderr()).toContain('no_such_table')
    expect(run.stdout()).toContain('✗ apply migrations')

    expect(await historyOf(target)).toEqual(['001_first.js'])
    const knex = target.knex()
    try {
      expect(await rows(knex, 'select * from first_table')).toEqual([])
      expect(await knex.schema.hasTable('broken_table')).toBe(false)
      expect(await knex.schema.hasTable('after_table')).toBe(false)
      const lock = await rows<{ is_locked: number }>(knex, 'select is_locked from knex_migrations_lock')
      expect(lock.map((r) => Number(r.is_locked))).toEqual([0])
    } finally {
      await knex.destroy()
    }
  }, 120_000)
})
