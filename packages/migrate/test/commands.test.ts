import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import {
  migrateDown,
  migrateMake,
  migrateStatus,
  migrateTo,
  migrateUnlock,
  migrateUp,
  type ReleaseEvent,
  release,
} from '../src/index.ts'
import {
  createTarget,
  DIALECTS,
  loggedMigration,
  rows,
  type TestTarget,
  tempDir,
  writeProject,
} from './helpers.ts'

const targets: TestTarget[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function setup(
  label: string,
  files: Record<string, string>,
  dialect: 'postgres' | 'mariadb' | 'pglite' = 'postgres',
) {
  const target = await createTarget(dialect, label)
  targets.push(target)
  const project = writeProject(label, files)
  dirs.push(project.cwd)
  return {
    target,
    project,
    base: { knex: target.knex, directory: project.directory, lockFile: target.lockFile },
  }
}

const THREE = {
  '001_a.js': loggedMigration('table_a'),
  '002_b.js': loggedMigration('table_b'),
  '003_c.js': loggedMigration('table_c'),
}

describe.each(DIALECTS)('migrateStatus() on a fresh %s database', (dialect) => {
  it('lists every migration as pending and creates nothing', async () => {
    const { target, base } = await setup('fresh', THREE, dialect)
    const status = await migrateStatus(base)
    expect(status.pending).toEqual(['001_a.js', '002_b.js', '003_c.js'])
    expect(status.migrations.map((m) => m.state)).toEqual(['pending', 'pending', 'pending'])
    expect(status.lastBatch).toBe(0)
    if (dialect !== 'pglite') {
      const knex = target.knex()
      expect(await knex.schema.hasTable('knex_migrations')).toBe(false)
      await knex.destroy()
    }
  }, 30_000)
})

describe('migrateStatus()', () => {
  it('shows applied migrations with their batch, pending ones, and applied ones whose file is gone', async () => {
    const { project, base } = await setup('status', THREE)
    await migrateUp(base)
    writeFileSync(join(project.directory, '004_d.js'), loggedMigration('table_d'))
    unlinkSync(join(project.directory, '002_b.js'))
    const status = await migrateStatus(base)
    expect(status.migrations.map((m) => [m.name, m.state, m.batch])).toEqual([
      ['001_a.js', 'applied', 1],
      ['003_c.js', 'applied', 1],
      ['004_d.js', 'pending', undefined],
      ['002_b.js', 'missing', 1],
    ])
    expect(status.migrations[0]!.appliedAt).toBeInstanceOf(Date)
    // Something pending on top of an unknown history: the histories diverged, stop.
    const error = await release(base).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_MISSING_FILES')).toBe(true)
    expect((error as Error).message).toContain('002_b.js')
  })

  it('lets a rollback to older code release: applied migrations it does not have only warn', async () => {
    const { project, base } = await setup('rollback', THREE)
    await migrateUp(base)
    unlinkSync(join(project.directory, '003_c.js'))
    const events: ReleaseEvent[] = []
    const summary = await release({ ...base, reporter: (e) => events.push(e) })
    expect(summary.applied).toEqual([])
    const warning = events.find((e) => e.type === 'warning')
    expect(warning).toMatchObject({ message: expect.stringContaining('003_c.js') })
    expect((warning as { message: string }).message).toContain('kit migrate down')
  })
})

describe('migrateUp() and migrateDown()', () => {
  it('down rolls back the last batch; step rolls back that many; up applies them again', async () => {
    const { target, project, base } = await setup('updown', { '001_a.js': THREE['001_a.js'] })
    await migrateUp(base)
    writeFileSync(join(project.directory, '002_b.js'), THREE['002_b.js'])
    writeFileSync(join(project.directory, '003_c.js'), THREE['003_c.js'])
    expect((await migrateUp(base)).batch).toBe(2)

    expect(await migrateDown(base)).toEqual({ reverted: ['003_c.js', '002_b.js'] })
    expect((await migrateStatus(base)).pending).toEqual(['002_b.js', '003_c.js'])
    expect(await migrateDown({ ...base, step: 1 })).toEqual({ reverted: ['001_a.js'] })
    const knex = target.knex()
    expect(await knex.schema.hasTable('table_a')).toBe(false)
    expect(await rows(knex, 'select * from applied_log')).toEqual([])
    await knex.destroy()
    expect((await migrateUp(base)).applied).toEqual(['001_a.js', '002_b.js', '003_c.js'])
  })

  it('down on a fresh database does nothing', async () => {
    const { base } = await setup('down_fresh', THREE)
    expect(await migrateDown(base)).toEqual({ reverted: [] })
  })

  it('down refuses a migration without down() with KIT_MIGRATE_NO_DOWN, keeping it applied', async () => {
    const { base } = await setup('nodown', {
      '001_only_up.js':
        "export async function up(knex) { await knex.schema.createTable('t', (t) => { t.increments() }) }",
    })
    await migrateUp(base)
    const error = await migrateDown(base).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_NO_DOWN')).toBe(true)
    expect((await migrateStatus(base)).applied).toEqual(['001_only_up.js'])
  })

  it.each([0, -1, 1.5, '2'])('down rejects step %j', async (step) => {
    const error = await migrateDown({ knex: () => null as never, step: step as number }).catch(
      (e: unknown) => e,
    )
    expect(isKitError(error, 'KIT_MIGRATE_INVALID_OPTION')).toBe(true)
  })
})

describe('migrateTo()', () => {
  it('applies up to a pending migration, then rolls back to an earlier one (name with or without extension)', async () => {
    const { base } = await setup('to', THREE)
    const up = await migrateTo({ ...base, name: '002_b' })
    expect(up).toMatchObject({ direction: 'up', summary: { applied: ['001_a.js', '002_b.js'] } })
    await migrateUp(base)
    expect(await migrateTo({ ...base, name: '001_a.js' })).toEqual({
      direction: 'down',
      reverted: ['003_c.js', '002_b.js'],
    })
    expect((await migrateStatus(base)).applied).toEqual(['001_a.js'])
  })

  it('names an unknown migration with KIT_MIGRATE_NOT_FOUND', async () => {
    const { base } = await setup('to_unknown', THREE)
    const error = await migrateTo({ ...base, name: '009_nope' }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_NOT_FOUND')).toBe(true)
  })
})

describe('migration files', () => {
  it('loads TypeScript migrations without a build, ignores .d.ts, and matches x.ts with a recorded x.js', async () => {
    const { target, project, base } = await setup('typescript', {
      '001_typed.ts': `import type { Knex } from 'knex'
interface Row { label: string }
const rows: Row[] = [{ label: 'typed' }]
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('typed', (t) => { t.increments(); t.string('label') })
  await knex('typed').insert(rows)
}
export async function down(knex: Knex): Promise<void> { await knex.schema.dropTable('typed') }`,
      '001_typed.d.ts': 'export declare function up(): Promise<void>\n',
      '002_module.mjs': "export async function up(knex) { await knex('typed').insert({ label: 'mjs' }) }",
      '003_commonjs.cjs': "exports.up = async (knex) => { await knex('typed').insert({ label: 'cjs' }) }",
    })
    expect((await migrateUp(base)).applied).toEqual(['001_typed.ts', '002_module.mjs', '003_commonjs.cjs'])
    const knex = target.knex()
    expect(
      (await rows<{ label: string }>(knex, 'select label from typed order by id')).map((r) => r.label),
    ).toEqual(['typed', 'mjs', 'cjs'])
    await knex.destroy()
    // Compiled for production: 001_typed.js replaces 001_typed.ts and is already applied.
    unlinkSync(join(project.directory, '001_typed.ts'))
    writeFileSync(
      join(project.directory, '001_typed.js'),
      'export async function up() { throw new Error("ran twice") }',
    )
    expect((await release(base)).applied).toEqual([])
  })

  it.each([
    ['no up()', 'export const down = async () => {}', 'exports no up() function'],
    [
      'a bad config',
      'export const config = { transaction: "no" }\nexport async function up() {}',
      'config.transaction',
    ],
    [
      'an unknown kit setting',
      'export const kit = { acknowlege: [] }\nexport async function up() {}',
      '`kit.acknowlege` is not a setting',
    ],
    ['a syntax error', 'export async function up( {', 'could not be loaded'],
  ])('rejects a migration with %s (KIT_MIGRATE_INVALID_MIGRATION)', async (_name, body, text) => {
    const { base } = await setup('invalid', { '001_bad.js': body })
    const error = await release(base).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_INVALID_MIGRATION')).toBe(true)
    expect((error as Error).message).toContain(text)
  })

  it('rejects two files that are the same migration (KIT_MIGRATE_DUPLICATE_MIGRATION)', async () => {
    const { base } = await setup('dupe', { '001_a.js': THREE['001_a.js'], '001_a.ts': THREE['001_a.js'] })
    const error = await migrateStatus(base).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_DUPLICATE_MIGRATION')).toBe(true)
  })

  it('says how to create a missing migrations directory (KIT_MIGRATE_DIRECTORY_NOT_FOUND)', async () => {
    const { target } = await setup('nodir', {})
    const error = await release({ knex: target.knex, directory: '/nonexistent/migrations' }).catch(
      (e: unknown) => e,
    )
    expect(isKitError(error, 'KIT_MIGRATE_DIRECTORY_NOT_FOUND')).toBe(true)
    expect((error as Error).message).toContain('kit migrate make')
  })
})

describe('migrateMake()', () => {
  it('writes a timestamped TypeScript migration when the project has a tsconfig, JavaScript of its module type otherwise', async () => {
    const cwd = tempDir('make')
    dirs.push(cwd)
    // No package.json up the tree: Node loads .js as CommonJS.
    const cjs = await migrateMake({ name: 'create_users', cwd })
    expect(basename(cjs)).toMatch(/^\d{14}_create_users\.js$/)
    expect(readFileSync(cjs, 'utf8')).toContain('exports.up = async function up(knex)')
    const esmApp = tempDir('make-esm')
    dirs.push(esmApp)
    writeFileSync(join(esmApp, 'package.json'), '{ "type": "module" }')
    const esm = await migrateMake({ name: 'create_users', cwd: esmApp })
    expect(readFileSync(esm, 'utf8')).toContain('export async function up(knex)')
    const cwd2 = tempDir('make-ts')
    dirs.push(cwd2)
    writeFileSync(join(cwd2, 'tsconfig.json'), '{}')
    const ts = await migrateMake({ name: 'add_index', cwd: cwd2, noTransaction: true })
    expect(basename(ts)).toMatch(/^\d{14}_add_index\.ts$/)
    const body = readFileSync(ts, 'utf8')
    expect(body).toContain('export const config = { transaction: false }')
    expect(body).toContain('export async function up(knex: Knex): Promise<void>')
  })

  it.each(['', 'has space', '../escape', 'a/b'])(
    'rejects the name %j (KIT_MIGRATE_INVALID_NAME)',
    async (name) => {
      const error = await migrateMake({ name, cwd: tempDir('make-bad') }).catch((e: unknown) => e)
      expect(isKitError(error, 'KIT_MIGRATE_INVALID_NAME')).toBe(true)
    },
  )
})

describe('migrateUnlock()', () => {
  it("clears knex's lock row left by a dead process", async () => {
    const { target, base } = await setup('unlock', THREE)
    await migrateUp(base)
    const knex = target.knex()
    await knex('knex_migrations_lock').update({ is_locked: 1 })
    expect(await migrateUnlock(base)).toEqual({ knexLock: true, lockFile: false })
    expect(
      (await rows<{ is_locked: number }>(knex, 'select is_locked from knex_migrations_lock'))[0]!.is_locked,
    ).toBe(0)
    await knex.destroy()
  })

  it('refuses while a release holds the lock (KIT_MIGRATE_LOCKED)', async () => {
    // The migration says when it runs (the release holds the lock then), instead of a guessed sleep.
    const started = join(mkdtempSync(join(tmpdir(), 'kit-unlock-')), 'started')
    const { base } = await setup('unlock_busy', {
      '001_slow.js': `import { writeFileSync } from 'node:fs'
export async function up(knex) { if (!knex.userParams?.kitCheck) { writeFileSync(${JSON.stringify(started)}, ''); await new Promise((r) => setTimeout(r, 5000)) } }`,
    })
    const running = release(base)
    await expect.poll(() => existsSync(started), { timeout: 20_000 }).toBe(true)
    const error = await migrateUnlock(base).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_LOCKED')).toBe(true)
    expect((await running).applied).toEqual(['001_slow.js'])
  })
})
