import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { type Finding, type ReleaseEvent, release } from '../src/index.ts'
import { createTarget, DIALECTS, rows, type TestTarget, writeProject } from './helpers.ts'

const targets: TestTarget[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
})

const CREATE_USERS = `export async function up(knex) { await knex.schema.createTable('users', (t) => { t.increments(); t.string('email'); t.string('legacy') }) }
export async function down(knex) { await knex.schema.dropTable('users') }`

// Unsafe on every SQL family: dropping a column that running code may still read.
const DROP_LEGACY = (head = '') => `${head}
export async function up(knex) { await knex.schema.alterTable('users', (t) => { t.dropColumn('legacy') }) }
export async function down(knex) { await knex.schema.alterTable('users', (t) => { t.string('legacy') }) }`

describe.each(DIALECTS)('the check step of release() on %s', (dialect) => {
  it('stops an unsafe migration before anything is applied, then applies it once acknowledged', async () => {
    const target = await createTarget(dialect, 'unsafe')
    targets.push(target)
    const project = writeProject('unsafe', { '001_users.js': CREATE_USERS })
    const base = { knex: target.knex, directory: project.directory, lockFile: target.lockFile }
    await release(base)

    writeFileSync(
      join(project.directory, '002_safe.js'),
      "export async function up(knex) { await knex.schema.createTable('other', (t) => { t.increments() }) }",
    )
    writeFileSync(join(project.directory, '003_drop_legacy.js'), DROP_LEGACY())
    const events: ReleaseEvent[] = []
    const error = await release({ ...base, reporter: (e) => events.push(e) }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_UNSAFE_MIGRATION')).toBe(true)
    const finding = (error as { details: { findings: Finding[] } }).details.findings[0]!
    expect(finding).toMatchObject({
      migration: '003_drop_legacy.js',
      rule: 'drop-column',
      table: 'users',
      acknowledged: false,
    })
    expect((error as Error).message).toContain(finding.recipe)
    expect(events.filter((e) => e.type === 'finding')).toHaveLength(1)
    expect(events.find((e) => e.type === 'step-end' && e.step === 'check')).toMatchObject({
      status: 'failed',
    })
    expect(events.some((e) => e.type === 'step-start' && e.step === 'apply')).toBe(false)

    const knex = target.knex()
    try {
      // Nothing of the release was applied: not even the safe migration before the unsafe one.
      expect(await knex.schema.hasTable('other')).toBe(false)
      expect((await rows(knex, 'select name from knex_migrations')).length).toBe(1)
    } finally {
      await knex.destroy()
    }

    writeFileSync(
      join(project.directory, '003_drop_legacy.js'),
      DROP_LEGACY("export const kit = { acknowledge: ['drop-column'] }"),
    )
    const summary = await release(base)
    expect(summary.applied).toEqual(['002_safe.js', '003_drop_legacy.js'])
    expect(summary.findings).toEqual([
      expect.objectContaining({ rule: 'drop-column', acknowledged: true, acknowledgedBy: 'migration' }),
    ])
  }, 40_000)
})

describe('unsafe', () => {
  it("'warn' reports unacknowledged findings and applies anyway", async () => {
    const target = await createTarget('postgres', 'unsafe_warn')
    targets.push(target)
    const project = writeProject('warn', { '001_users.js': CREATE_USERS })
    await release({ knex: target.knex, directory: project.directory })
    writeFileSync(join(project.directory, '002_drop.js'), DROP_LEGACY())
    const summary = await release({ knex: target.knex, directory: project.directory, unsafe: 'warn' })
    expect(summary.applied).toEqual(['002_drop.js'])
    expect(summary.findings.map((f) => [f.rule, f.acknowledged])).toEqual([['drop-column', false]])
    expect(summary.steps.find((s) => s.step === 'check')?.detail).toContain("allowed by unsafe: 'warn'")
  })
})

describe('baseline', () => {
  it('acknowledges migrations listed in the reviewed baseline file', async () => {
    const target = await createTarget('postgres', 'baseline')
    targets.push(target)
    const project = writeProject('baseline', { '001_users.js': CREATE_USERS })
    await release({ knex: target.knex, directory: project.directory })
    writeFileSync(join(project.directory, '002_drop.js'), DROP_LEGACY())
    const { writeBaseline } = await import('../src/checks/baseline.ts')
    const { listMigrations } = await import('../src/source.ts')
    const reviewed = join(project.cwd, 'reviewed.json')
    await writeBaseline(reviewed, await listMigrations(project.directory))
    const summary = await release({ knex: target.knex, directory: project.directory, baseline: reviewed })
    expect(summary.findings.map((f) => f.acknowledgedBy)).toEqual(['baseline'])
  })
})
