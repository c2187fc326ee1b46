import { isKitError } from '@kit/internal'
import type { Knex } from 'knex'
import { afterAll, describe, expect, it } from 'vitest'
import { type ReleaseEvent, release } from '../src/index.ts'
import { createTarget, rows, type TestTarget, writeProject } from './helpers.ts'

// PGlite has a single connection in a single process: no other session can hold a table lock there.
const SERVER_DIALECTS = ['postgres', 'mariadb'] as const
const targets: TestTarget[] = []

afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
})

/** Holds a lock that blocks ALTER TABLE busy until the returned function is called. */
async function holdTableLock(knex: Knex): Promise<() => Promise<void>> {
  const trx = await knex.transaction()
  // A long transaction that read the table: Postgres keeps its ACCESS SHARE lock, MariaDB its metadata lock,
  // and ALTER TABLE needs an exclusive one.
  await trx.raw('select * from busy')
  return async () => {
    await trx.commit()
  }
}

const ALTER_BUSY = `
export async function up(knex) { await knex.schema.alterTable('busy', (t) => { t.integer('added') }) }
export async function down(knex) { await knex.schema.alterTable('busy', (t) => { t.dropColumn('added') }) }
`

async function prepare(dialect: 'postgres' | 'mariadb', label: string) {
  const target = await createTarget(dialect, label)
  targets.push(target)
  const knex = target.knex()
  await knex.schema.createTable('busy', (t) => {
    t.increments()
  })
  await knex('busy').insert({})
  const project = writeProject(label, { '001_alter_busy.js': ALTER_BUSY })
  return { target, knex, project }
}

describe.each(SERVER_DIALECTS)('lockTimeoutMs and lockRetries on %s', (dialect) => {
  // MySQL's lock_wait_timeout counts whole seconds (minimum 1).
  const lockTimeoutMs = dialect === 'postgres' ? 300 : 1000

  it('times out on a long-held table lock, retries, and succeeds once it is released', async () => {
    const { knex, project, target } = await prepare(dialect, 'busy_ok')
    const release_ = await holdTableLock(knex)
    const events: ReleaseEvent[] = []
    const releasing = release({
      knex: target.knex,
      directory: project.directory,
      lockTimeoutMs,
      lockRetries: 20,
      retryDelayMs: 100,
      reporter: (e) => events.push(e),
    })
    // Let it time out at least once while the lock is held.
    const firstRetry = Date.now()
    while (!events.some((e) => e.type === 'retry') && Date.now() - firstRetry < 15_000) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(events.some((e) => e.type === 'retry')).toBe(true)
    // The point of lock_timeout: a waiting ALTER would queue every later query on the table behind it.
    // Between attempts the queue drains, so the app's reads still get through while the lock is held.
    const reader = target.knex()
    const read = await Promise.race([
      reader('busy')
        .count({ n: '*' })
        .then(() => 'read'),
      new Promise((r) => setTimeout(() => r('blocked'), 10_000)),
    ])
    expect(read).toBe('read')
    await release_()
    const summary = await releasing
    expect(summary.applied).toEqual(['001_alter_busy.js'])
    const retry = events.find((e) => e.type === 'retry')
    expect(retry).toMatchObject({ name: '001_alter_busy.js', attempt: 1 })
    expect(events.find((e) => e.type === 'migration-end')).toMatchObject({ attempts: expect.any(Number) })
    expect(await knex.schema.hasColumn('busy', 'added')).toBe(true)
  }, 40_000)

  it('gives up with KIT_MIGRATE_TABLE_BUSY after the last retry and applies nothing', async () => {
    const { knex, project, target } = await prepare(dialect, 'busy_fail')
    const release_ = await holdTableLock(knex)
    try {
      const error = await release({
        knex: target.knex,
        directory: project.directory,
        lockTimeoutMs,
        lockRetries: 1,
        retryDelayMs: 50,
      }).catch((e: unknown) => e)
      expect(isKitError(error, 'KIT_MIGRATE_TABLE_BUSY')).toBe(true)
      expect((error as Error).message).toContain(`within ${lockTimeoutMs} ms, 2 times`)
    } finally {
      await release_()
    }
    expect(await knex.schema.hasColumn('busy', 'added')).toBe(false)
    expect(await rows(knex, 'select name from knex_migrations')).toEqual([])
  }, 40_000)
})

describe('statementTimeoutMs on postgres', () => {
  it('cancels a statement that runs too long with KIT_MIGRATE_STATEMENT_TIMEOUT', async () => {
    const target = await createTarget('postgres', 'stmt_timeout')
    targets.push(target)
    const project = writeProject('stmt', {
      '001_slow.js': `export async function up(knex) { await knex.raw('select pg_sleep(3)') }\nexport async function down() {}`,
    })
    const error = await release({
      knex: target.knex,
      directory: project.directory,
      statementTimeoutMs: 200,
    }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_STATEMENT_TIMEOUT')).toBe(true)
    expect((error as Error).message).toContain('longer than 200 ms')
  })

  it('lets one migration raise its own limit with kit.statementTimeoutMs', async () => {
    const target = await createTarget('postgres', 'stmt_override')
    targets.push(target)
    const project = writeProject('stmt2', {
      '001_slow.js': `export const kit = { statementTimeoutMs: 0 }\nexport async function up(knex) { await knex.raw('select pg_sleep(0.5)') }\nexport async function down() {}`,
    })
    const summary = await release({
      knex: target.knex,
      directory: project.directory,
      statementTimeoutMs: 100,
    })
    expect(summary.applied).toEqual(['001_slow.js'])
  })
})
