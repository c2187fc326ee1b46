import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { spawnTs } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import {
  cliEnv,
  createTarget,
  DIALECTS,
  KIT_BIN,
  loggedMigration,
  rows,
  type TestTarget,
  writeProject,
} from './helpers.ts'

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
    const project = writeProject('killed', {
      '001_first.js': loggedMigration('first_table'),
      '002_half.js': HANGING_NON_TRANSACTIONAL,
      '003_third.js': loggedMigration('third_table'),
    })
    const target = await createTarget(dialect, 'killed', { pgliteDir: join(project.cwd, '.kit', 'pgdata') })
    targets.push(target)
    const release = ['release', '--cwd', project.cwd]
    const doomed = spawnTs(KIT_BIN, release, { env: cliEnv(target, { KIT_TEST_HANG: '1' }) })
    try {
      await doomed.waitFor('MIGRATION HALF-WAY', 90_000)
    } finally {
      doomed.child.kill('SIGKILL')
    }
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' })
    if (target.lockFile) expect(existsSync(target.lockFile)).toBe(true)

    const next = spawnTs(KIT_BIN, [...release, '--wait', '30'], { env: cliEnv(target) })
    const stop = setTimeout(() => next.child.kill('SIGKILL'), 170_000)
    const exit = await next.exited
    clearTimeout(stop)
    expect(exit.code, next.stdout() + next.stderr()).toBe(0)
    // knex's lock row was left at 1 by the killed process and is cleared under our lock.
    expect(next.stdout()).toContain('knex_migrations_lock: it was left locked')
    expect(next.stdout()).toContain('↑ 002_half.js (no transaction)')
    expect(next.stdout()).toContain('Applied 2 migration(s) in batch 2.')
    expect(await historyOf(target)).toEqual(['001_first.js', '002_half.js', '003_third.js'])
    if (target.lockFile) expect(existsSync(target.lockFile)).toBe(false)
  }, 180_000)
})

describe.each(DIALECTS)('a failing migration on %s', (dialect) => {
  it('rolls back, exits non-zero and applies nothing after it', async () => {
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
    const target = await createTarget(dialect, 'failing', { pgliteDir: join(project.cwd, '.kit', 'pgdata') })
    targets.push(target)
    const run = spawnTs(KIT_BIN, ['release', '--cwd', project.cwd], { env: cliEnv(target) })
    const stop = setTimeout(() => run.child.kill('SIGKILL'), 170_000)
    const exit = await run.exited
    clearTimeout(stop)
    expect(exit.code).toBe(1)
    expect(run.stderr()).toContain('error KIT_MIGRATE_MIGRATION_FAILED: Migration 002_broken.js (up) failed')
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
  }, 180_000)
})
