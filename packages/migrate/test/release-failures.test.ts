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
  it('does not block the next release, which refuses to re-run the half-done migration until it is resolved', async () => {
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

    const run = async (...args: string[]) => {
      const p = spawnTs(KIT_BIN, [...args, '--cwd', project.cwd], { env: cliEnv(target) })
      const stop = setTimeout(() => p.child.kill('SIGKILL'), 100_000)
      const exit = await p.exited
      clearTimeout(stop)
      return { code: exit.code, stdout: p.stdout(), output: p.stdout() + p.stderr() }
    }
    // The lock did not outlive the killed process, but its migration ran outside a transaction and
    // stopped half-way: the next release says so instead of running it again.
    const next = await run('release', '--wait', '30')
    expect(next.code, next.output).toBe(1)
    // knex's lock row was left at 1 by the killed process and is cleared under our lock.
    expect(next.stdout).toContain('knex_migrations_lock: it was left locked')
    expect(next.output).toContain('error KIT_MIGRATE_INTERRUPTED')
    expect(next.output).toContain('kit migrate resolve 002_half.js --retry')
    // (PGlite: this process opens the data directory once, at the end; it would not see later writes.)
    if (!target.lockFile) expect(await historyOf(target)).toEqual(['001_first.js'])
    if (target.lockFile) expect(existsSync(target.lockFile)).toBe(false)

    // This migration is safe to re-run (IF NOT EXISTS): let the next release run it again.
    const resolved = await run('migrate', 'resolve', '002_half.js', '--retry')
    expect(resolved.code, resolved.output).toBe(0)
    const last = await run('release', '--wait', '30')
    expect(last.code, last.output).toBe(0)
    expect(last.stdout).toContain('↑ 002_half.js (no transaction)')
    expect(last.stdout).toContain('Applied 2 migration(s) in batch 2.')
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
