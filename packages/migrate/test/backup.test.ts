import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { backup, listBackups, release, verifyBackup } from '../src/index.ts'
import { createTarget, DIALECTS, type TestTarget, tempDir, writeProject } from './helpers.ts'

const targets: TestTarget[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const SCHEMA = {
  '001_users.js': `export async function up(knex) {
  await knex.schema.createTable('users', (t) => { t.increments(); t.string('email'); t.text('bio') })
  await knex.schema.createTable('posts', (t) => { t.increments(); t.integer('user_id'); t.string('title') })
}`,
  '002_seed.js': `export async function up(knex) {
  await knex('users').insert(Array.from({ length: 40 }, (_, i) => ({ email: 'u' + i + '@example.com', bio: "it's \\"quoted\\" \\\\ and ünïcode" })))
  await knex('posts').insert(Array.from({ length: 7 }, (_, i) => ({ user_id: i + 1, title: 'post ' + i })))
}`,
}

describe.each(DIALECTS)('backup() → verifyBackup() on %s', (dialect) => {
  it('round-trips a database with data: restore timed, migrations and row counts match, scratch dropped', async () => {
    const target = await createTarget(dialect, 'backup')
    targets.push(target)
    const project = writeProject('backup', SCHEMA)
    dirs.push(project.cwd)
    const base = {
      knex: target.knex,
      directory: project.directory,
      lockFile: target.lockFile,
      cwd: project.cwd,
    }
    await release(base)

    const taken = await backup({ knex: target.knex, lockFile: target.lockFile, cwd: project.cwd })
    expect(taken.file.startsWith(join(project.cwd, '.kit', 'backups'))).toBe(true)
    expect(existsSync(taken.file)).toBe(true)
    const manifest = taken.manifest
    expect(manifest.dialect).toBe(dialect === 'mariadb' ? 'mysql' : dialect)
    expect(manifest.migrations).toEqual({ table: 'knex_migrations', count: 2, last: '002_seed.js' })
    const counts = Object.fromEntries(
      Object.entries(manifest.tables).map(([k, v]) => [k.replace(/^public\./, ''), v]),
    )
    expect(counts).toMatchObject({ users: 40, posts: 7, knex_migrations: 2 })
    expect(JSON.parse(readFileSync(`${taken.file}.json`, 'utf8'))).toEqual(manifest)

    // Server backups restore into a scratch database on the same server; PGlite ones in memory.
    const verified = await verifyBackup(taken.file, dialect === 'pglite' ? {} : { knex: target.knex })
    expect(verified.migrations).toEqual({ expected: 2, actual: 2, last: '002_seed.js' })
    expect(verified.tables.every((t) => t.expected === t.actual)).toBe(true)
    expect(verified.tables.length).toBe(Object.keys(manifest.tables).length)
    expect(verified.restoreMs).toBeGreaterThan(0)
    expect(verified.warnings).toEqual([])
    if (dialect !== 'pglite') {
      expect(verified.scratch).toMatch(/^kit_verify_/)
      const knex = target.knex()
      try {
        const sql =
          dialect === 'postgres'
            ? 'select count(*) as n from pg_database where datname = ?'
            : 'select count(*) as n from information_schema.schemata where schema_name = ?'
        const result = (await knex.raw(sql, [verified.scratch!])) as any
        const n = Number((dialect === 'postgres' ? result.rows : result[0])[0].n)
        expect(n).toBe(0)
      } finally {
        await knex.destroy()
      }
    }
  }, 120_000)
})

describe('verifyBackup() failures', () => {
  it('rejects a backup whose bytes no longer match its manifest', async () => {
    const target = await createTarget('postgres', 'tampered')
    targets.push(target)
    const project = writeProject('tampered', SCHEMA)
    dirs.push(project.cwd)
    await release({ knex: target.knex, directory: project.directory })
    const taken = await backup({ knex: target.knex, cwd: project.cwd })
    const bytes = readFileSync(taken.file)
    writeFileSync(taken.file, bytes.subarray(0, bytes.length - 100))
    const error = await verifyBackup(taken.file, { knex: target.knex }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_VERIFY_FAILED')).toBe(true)
    expect((error as Error).message).toContain('does not match the checksum')
  })

  it('rejects a restored copy whose row counts differ from the manifest', async () => {
    const target = await createTarget('pglite', 'counts')
    targets.push(target)
    const project = writeProject('counts', SCHEMA)
    dirs.push(project.cwd)
    await release({ knex: target.knex, directory: project.directory, lockFile: target.lockFile })
    const taken = await backup({ knex: target.knex, lockFile: target.lockFile, cwd: project.cwd })
    const manifest = JSON.parse(readFileSync(`${taken.file}.json`, 'utf8'))
    manifest.tables['public.users'] = 41
    writeFileSync(`${taken.file}.json`, JSON.stringify(manifest))
    // The checksum covers the backup file, not the manifest: the counts check must catch this.
    const error = await verifyBackup(taken.file).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_VERIFY_FAILED')).toBe(true)
    expect((error as Error).message).toContain('public.users: 40 rows restored, 41 in the manifest')
  })

  it('says what to pass when the path is not a backup', async () => {
    const error = await verifyBackup('/nonexistent/backup.dump').catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_BACKUP_NOT_FOUND')).toBe(true)
  })

  it('needs a server to restore a Postgres backup into', async () => {
    const target = await createTarget('postgres', 'noserver')
    targets.push(target)
    const project = writeProject('noserver', SCHEMA)
    dirs.push(project.cwd)
    await release({ knex: target.knex, directory: project.directory })
    const taken = await backup({ knex: target.knex, cwd: project.cwd })
    const error = await verifyBackup(taken.file).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain('a connection to a postgres server')
  })
})

describe('backup options', () => {
  it('keep: deletes the oldest backups (and their manifests) beyond the count', async () => {
    const target = await createTarget('postgres', 'retention')
    targets.push(target)
    const cwd = tempDir('retention')
    dirs.push(cwd)
    const files: string[] = []
    for (let i = 0; i < 3; i++) files.push((await backup({ knex: target.knex, cwd, keep: 2 })).file)
    const kept = await listBackups(join(cwd, '.kit', 'backups'))
    expect(kept).toEqual([files[2], files[1]])
    expect(existsSync(`${files[0]}.json`)).toBe(false)
  })

  it('binDir: a folder without pg_dump fails with the package to install', async () => {
    const target = await createTarget('postgres', 'notool')
    targets.push(target)
    const cwd = tempDir('notool')
    dirs.push(cwd)
    const error = await backup({ knex: target.knex, cwd, binDir: cwd }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_BACKUP_TOOL_MISSING')).toBe(true)
    expect((error as Error).message).toContain('apt-get install postgresql-client')
    expect(await listBackups(join(cwd, '.kit', 'backups'))).toEqual([])
  })

  it.each([
    [{ keep: 0 }, 'backup.keep'],
    [{ keep: 1.5 }, 'backup.keep'],
    [{ timeoutMs: -1 }, 'backup.timeoutMs'],
    [{ directory: '' }, 'backup.directory'],
    [{ retention: 3 }, 'no option `retention`'],
  ])('rejects %j', async (options, text) => {
    const error = await release({ knex: () => null as never, backup: options as never }).catch(
      (e: unknown) => e,
    )
    expect(isKitError(error, 'KIT_MIGRATE_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain(text)
  })
})

describe('release({ backup })', () => {
  it('takes a backup only when something is pending', async () => {
    const target = await createTarget('postgres', 'release_backup')
    targets.push(target)
    const project = writeProject('release-backup', SCHEMA)
    dirs.push(project.cwd)
    const base = { knex: target.knex, directory: project.directory, cwd: project.cwd, backup: true }
    const first = await release(base)
    expect(first.backup?.manifest.migrations.count).toBe(0)
    const second = await release(base)
    expect(second.backup).toBeUndefined()
    expect(second.steps.find((s) => s.step === 'backup')).toMatchObject({
      status: 'skipped',
      detail: 'nothing pending',
    })
    expect(await listBackups(join(project.cwd, '.kit', 'backups'))).toHaveLength(1)
  })
})
