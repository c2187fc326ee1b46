// `kit release`, `kit migrate *` and `kit db *` through the CLI host, in this
// process (the spawned, real-process runs are in release-*.test.ts).
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryStream } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
// The CLI lives in @kit/core, which depends on this package: imported by path, not by name.
import { runCli } from '../../core/src/cli/index.ts'
import { cliEnv, createTarget, loggedMigration, type TestTarget, writeProject } from './helpers.ts'

interface Run {
  code: number
  stdout: string
  stderr: string
}

const targets: TestTarget[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Each project gets its own database: the history of one must not leak into another. */
const databases = new Map<string, TestTarget>()

async function kit(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  let target = databases.get(cwd)
  if (!target) {
    target = await createTarget('postgres', 'cli')
    targets.push(target)
    databases.set(cwd, target)
  }
  const stdout = new MemoryStream()
  const stderr = new MemoryStream()
  const code = await runCli(args, { stdout, stderr, cwd, env: cliEnv(target, env) })
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

function project(label: string, files: Record<string, string>) {
  const p = writeProject(label, files)
  dirs.push(p.cwd)
  return p
}

describe('kit migrate', () => {
  it('make, status, up, down, check: the development loop', async () => {
    const app = project('cli-loop', { '001_a.js': loggedMigration('table_a') })
    writeFileSync(join(app.cwd, 'kit.config.mjs'), 'export default { migrations: { lockTimeoutMs: 2000 } }\n')

    const made = await kit(['migrate', 'make', 'add_b', '--json'], app.cwd)
    expect(made.code).toBe(0)
    const file = JSON.parse(made.stdout).file as string
    expect(file).toMatch(/migrations\/\d{14}_add_b\.js$/)
    writeFileSync(file, loggedMigration('table_b'))

    const fresh = await kit(['migrate', 'status', '--json'], app.cwd)
    expect(JSON.parse(fresh.stdout).pending).toHaveLength(2)

    const up = await kit(['migrate', 'up'], app.cwd)
    expect(up.code, up.stderr).toBe(0)
    expect(up.stdout).toContain('Applied 2 migration(s) in batch 1.')

    const status = await kit(['migrate', 'status'], app.cwd)
    expect(status.stdout).toMatch(/001_a\.js\s+applied\s+1/)
    expect(status.stdout).toContain('2 applied, 0 pending')

    const down = await kit(['migrate', 'down', '--step', '1'], app.cwd)
    expect(down.stdout).toMatch(/Rolled back 1: \d{14}_add_b\.js/)

    writeFileSync(
      join(app.directory, '003_drop.js'),
      "export async function up(knex) { await knex.schema.alterTable('table_a', (t) => { t.dropColumn('label') }) }",
    )
    const check = await kit(['migrate', 'check'], app.cwd)
    expect(check.code).toBe(1)
    expect(check.stdout).toContain('UNSAFE drop-column in 003_drop.js (table_a)')
    expect(check.stdout).toContain('1 unsafe operation(s) to fix or acknowledge.')

    const baseline = await kit(['migrate', 'check', '--baseline'], app.cwd)
    expect(baseline.stdout).toContain('Marked 3 migration(s) as reviewed')
    expect((await kit(['migrate', 'check'], app.cwd)).code).toBe(0)
  })

  it.each([
    [['migrate', 'down', '--step', '0'], '--step must be a whole number'],
    [['migrate', 'to'], 'Expected one migration name'],
    [['migrate', 'make'], 'Expected one name'],
    [['migrate', 'make', 'x', '--js', '--ts'], 'Choose one of --js and --ts'],
    [['release', '--wait', 'soon'], '--wait must be whole seconds'],
    [['db', 'backup', '--keep', '0'], '--keep must be a whole number'],
    [['db', 'verify'], 'Expected one backup file'],
  ])('kit %j is a usage error (exit 2)', async (args, message) => {
    const app = project('cli-usage', {})
    const run = await kit(args, app.cwd)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
  })
})

describe('kit release', () => {
  it('stops at the env step on an invalid environment, before connecting (exit 1)', async () => {
    const app = project('cli-env', { '001_a.js': loggedMigration('never_applied') })
    const run = await kit(['release'], app.cwd, { PORT: 'not-a-port' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('✗ validate env')
    expect(run.stdout).not.toContain('connect')
    expect(run.stderr).toContain('error KIT_ENV_INVALID')
  })

  it('--json prints one document: steps and applied on success, the error code and findings on failure', async () => {
    const app = project('cli-json', { '001_a.js': loggedMigration('json_a') })
    const ok = await kit(['release', '--json'], app.cwd)
    expect(ok.code).toBe(0)
    const summary = JSON.parse(ok.stdout)
    expect(summary).toMatchObject({ ok: true, applied: ['001_a.js'], batch: 1 })
    expect(summary.steps.map((s: { step: string }) => s.step)).toEqual([
      'env',
      'connect',
      'lock',
      'pending',
      'check',
      'backup',
      'apply',
      'unlock',
    ])

    writeFileSync(
      join(app.directory, '002_drop.js'),
      "export async function up(knex) { await knex.schema.dropTable('json_a') }",
    )
    const failed = await kit(['release', '--json'], app.cwd)
    expect(failed.code).toBe(1)
    const doc = JSON.parse(failed.stdout)
    expect(doc.ok).toBe(false)
    expect(doc.error.code).toBe('KIT_MIGRATE_UNSAFE_MIGRATION')
    expect(doc.error.details.findings[0]).toMatchObject({ rule: 'drop-table', migration: '002_drop.js' })
    expect(doc.steps.at(-1)).toMatchObject({ step: 'unlock', status: 'ok' })

    const allowed = await kit(['release', '--allow-unsafe'], app.cwd)
    expect(allowed.code).toBe(0)
    expect(allowed.stdout).toContain('UNSAFE: 002_drop.js: dropping a table (json_a) [drop-table]')
  })

  it('--backup backs up before applying; kit db verify restores it into a scratch database', async () => {
    const app = project('cli-backup', { '001_a.js': loggedMigration('backed_up') })
    expect((await kit(['release'], app.cwd)).code).toBe(0)
    writeFileSync(join(app.directory, '002_b.js'), loggedMigration('after_backup'))
    const run = await kit(['release', '--backup'], app.cwd)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/✓ backup \d+(\.\d)? m?s \(.*\.kit\/backups\/kit-.*\.dump\)/)
    const [dump] = readdirSync(join(app.cwd, '.kit', 'backups')).filter((f) => f.endsWith('.dump'))

    const verify = await kit(['db', 'verify', join('.kit', 'backups', dump!)], app.cwd)
    expect(verify.code, verify.stderr).toBe(0)
    expect(verify.stdout).toContain('restores:')
    expect(verify.stdout).toContain('migrations: 1 (last 001_a.js)')
    expect(verify.stdout).toMatch(/public\.applied_log\s+1 rows\s+matches/)

    const listed = await kit(['db', 'backup', '--list', '--json'], app.cwd)
    expect(JSON.parse(listed.stdout).backups).toHaveLength(1)
  })
})
