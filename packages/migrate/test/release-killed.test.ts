// A release SIGKILLed inside a long statement, and the next one started at once: the server keeps
// running the orphaned statement, so the next release must never run it beside (or after) it.
import { spawnTs } from '@kit/test-utils'
import type { Knex } from 'knex'
import { afterAll, describe, expect, it } from 'vitest'
import { cliEnv, createTarget, KIT_BIN, rows, type TestTarget, writeProject } from './helpers.ts'

const targets: TestTarget[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
})

type Server = 'postgres' | 'mariadb'

/** One statement that sleeps, then inserts a row: its effect is the row. */
const SLOW_INSERT: Record<Server, string> = {
  postgres: "insert into marker(v) select 'x' from pg_sleep(6)",
  mariadb: "insert into marker(v) select 'x' from (select sleep(6) as s) as t",
}

function migration(dialect: Server, transaction: boolean): string {
  return `${transaction ? '' : 'export const config = { transaction: false }\n'}
export async function up(knex) { await knex.raw(${JSON.stringify(SLOW_INSERT[dialect])}) }
export async function down(knex) { await knex('marker').del() }
`
}

/** Resolves once the server shows the statement running (no sleeps: polls the server, bounded). */
async function statementRunning(knex: Knex, dialect: Server): Promise<void> {
  const sql =
    dialect === 'postgres'
      ? "select count(*) as n from pg_stat_activity where datname = current_database() and state = 'active' and query like '%pg_sleep(6)%' and pid <> pg_backend_pid()"
      : "select count(*) as n from information_schema.processlist where db = database() and info like '%sleep(6)%' and id <> connection_id()"
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (Number((await rows<{ n: number }>(knex, sql))[0]?.n) > 0) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('the migration statement never showed up on the server')
}

async function finished(p: ReturnType<typeof spawnTs>) {
  const exit = await Promise.race([
    p.exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000)),
  ])
  if (exit === 'timeout') p.child.kill('SIGKILL')
  return { exit, output: p.stdout() + p.stderr() }
}

async function setUp(dialect: Server, transaction: boolean) {
  const project = writeProject('killed', { '001_slow_insert.js': migration(dialect, transaction) })
  const target = await createTarget(dialect, 'killed')
  targets.push(target)
  const knex = target.knex()
  await knex.schema.createTable('marker', (t) => {
    t.string('v')
  })
  const kit = (...args: string[]) =>
    spawnTs(KIT_BIN, [...args, '--cwd', project.cwd], { env: cliEnv(target) })
  const markers = async () =>
    Number((await rows<{ n: number }>(knex, 'select count(*) as n from marker'))[0]?.n)
  return { knex, kit, markers, target }
}

/** SIGKILLs the first release while its statement runs and starts the second at once. */
async function killAndRelease(setup: Awaited<ReturnType<typeof setUp>>, dialect: Server) {
  const first = setup.kit('release')
  try {
    await statementRunning(setup.knex, dialect)
  } catch (error) {
    first.child.kill('SIGKILL')
    throw new Error(`${(error as Error).message}\n${first.stdout()}${first.stderr()}`)
  }
  first.child.kill('SIGKILL')
  await first.exited
  return finished(setup.kit('release'))
}

describe.each(['postgres', 'mariadb'] as const)('a release SIGKILLed mid-statement on %s', (dialect) => {
  it('outside a transaction: the statement runs once; the next release waits for it, then refuses and names it', async () => {
    const setup = await setUp(dialect, false)
    const second = await killAndRelease(setup, dialect)
    expect(second.exit, second.output).toEqual({ code: 1, signal: null })
    expect(second.output).toContain('KIT_MIGRATE_INTERRUPTED')
    expect(second.output).toContain('001_slow_insert.js')
    expect(second.output).toContain('kit migrate resolve 001_slow_insert.js --applied')
    // The orphaned statement ran to its end on the server, exactly once.
    expect(await setup.markers()).toBe(1)

    // A human checked: its work is done. The next release has nothing to do.
    const resolved = await finished(setup.kit('migrate', 'resolve', '001_slow_insert.js', '--applied'))
    expect(resolved.exit, resolved.output).toEqual({ code: 0, signal: null })
    const third = await finished(setup.kit('release'))
    expect(third.exit, third.output).toEqual({ code: 0, signal: null })
    expect(third.output).toContain('Nothing to migrate')
    expect(await setup.markers()).toBe(1)
    await setup.knex.destroy()
  }, 300_000)

  it('in a transaction: the orphan commits nothing, and the next release waits, then runs it exactly once', async () => {
    const setup = await setUp(dialect, true)
    const second = await killAndRelease(setup, dialect)
    // The killed transaction never commits (MySQL: it ran no DDL, so nothing was committed implicitly);
    // the next release waits for the killed one's session to end, then applies it.
    expect(second.exit, second.output).toEqual({ code: 0, signal: null })
    expect(second.output).toContain('Applied 1 migration(s)')
    expect(await setup.markers()).toBe(1)
    await setup.knex.destroy()
  }, 300_000)
})

describe('a release SIGKILLed on mariadb after a DDL statement of a transactional migration', () => {
  it('is refused: MySQL committed the DDL on its own, so the migration is half done', async () => {
    const setup = await setUp('mariadb', true)
    // A new table (DDL: commits implicitly), then the long insert the release is killed in.
    const project = writeProject('killed_ddl', {
      '001_ddl_then_insert.js': `
export async function up(knex) {
  await knex.schema.createTable('made_first', (t) => { t.increments() })
  await knex.raw(${JSON.stringify(SLOW_INSERT.mariadb)})
}
export async function down(knex) { await knex.schema.dropTable('made_first') }
`,
    })
    const kit = (...args: string[]) =>
      spawnTs(KIT_BIN, [...args, '--cwd', project.cwd], { env: cliEnv(setup.target) })
    const second = await killAndRelease({ ...setup, kit }, 'mariadb')
    expect(second.exit, second.output).toEqual({ code: 1, signal: null })
    expect(second.output).toContain('KIT_MIGRATE_INTERRUPTED')
    expect(second.output).toContain('001_ddl_then_insert.js')
    expect(await setup.knex.schema.hasTable('made_first')).toBe(true)
    await setup.knex.destroy()
  }, 300_000)
})

describe('a `kit migrate down` SIGKILLed mid-statement on postgres', () => {
  it('is refused as "being rolled back", and resolving it as done forgets the migration', async () => {
    const setup = await setUp('postgres', true)
    const project = writeProject('killed_down', {
      '001_slow_down.js': `export const config = { transaction: false }
export async function up(knex) { await knex('marker').insert({ v: 'up' }) }
export async function down(knex) { await knex.raw(${JSON.stringify(SLOW_INSERT.postgres)}) }
`,
    })
    const kit = (...args: string[]) =>
      spawnTs(KIT_BIN, [...args, '--cwd', project.cwd], { env: cliEnv(setup.target) })
    expect((await finished(kit('release'))).exit).toEqual({ code: 0, signal: null })
    const down = kit('migrate', 'down')
    await statementRunning(setup.knex, 'postgres')
    down.child.kill('SIGKILL')
    await down.exited
    const next = await finished(kit('release'))
    expect(next.exit, next.output).toEqual({ code: 1, signal: null })
    expect(next.output).toContain('001_slow_down.js (being rolled back)')
    const resolved = await finished(kit('migrate', 'resolve', '001_slow_down.js', '--applied'))
    expect(resolved.output).toContain('Recorded 001_slow_down.js as rolled back.')
    const status = await finished(kit('migrate', 'status', '--json'))
    expect(JSON.parse(status.output.slice(status.output.indexOf('{')))).toMatchObject({
      pending: ['001_slow_down.js'],
      interrupted: [],
    })
    // up once, and the down's statement once: never twice.
    expect(await setup.markers()).toBe(2)
    await setup.knex.destroy()
  }, 300_000)
})
