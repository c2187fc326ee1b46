// What kit does with the files of a migrations folder: foreign tools' files are refused by name,
// kit's own .sql format runs natively, and no folder at all means "no migrations".
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateDown, migrateStatus, release } from '../src/index.ts'
import { createTarget, rows, type TestTarget, tempDir, writeProject } from './helpers.ts'

const targets: TestTarget[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function target(dialect: 'postgres' | 'mariadb' | 'pglite', label: string) {
  const t = await createTarget(dialect, label)
  targets.push(t)
  return t
}

function project(label: string, files: Record<string, string>) {
  const p = writeProject(label, files)
  dirs.push(p.cwd)
  return p
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error,
  )
}

describe('files kit cannot load', () => {
  it('refuses a folder of postgrator, Flyway and marker-less .sql files, naming each and its tool', async () => {
    const t = await target('postgres', 'foreign')
    const app = project('foreign', {
      '001.do.create_users.sql': 'create table users (id int);',
      '001.undo.create_users.sql': 'drop table users;',
      'V2__add_email.sql': 'alter table users add column email text;',
      'schema.sql': 'create table whatever (id int);',
      'README.md': 'notes about the migrations',
    })
    const error = await failure(release({ knex: t.knex, directory: app.directory }))
    expect(isKitError(error, 'KIT_MIGRATE_FOREIGN_FILES'), String(error)).toBe(true)
    const message = (error as Error).message
    for (const name of [
      '001.do.create_users.sql',
      '001.undo.create_users.sql',
      'V2__add_email.sql',
      'schema.sql',
    ]) {
      expect(message).toContain(name)
    }
    expect(message).toContain('postgrator')
    expect(message).toContain('Flyway')
    expect(message).not.toContain('README.md')
    // Nothing ran, and status (what kit doctor KIT-MIG-001 reads) refuses the same way instead of "up to date".
    const knex = t.knex()
    expect(await knex.schema.hasTable('users')).toBe(false)
    await knex.destroy()
    const status = await failure(migrateStatus({ knex: t.knex, directory: app.directory }))
    expect(isKitError(status, 'KIT_MIGRATE_FOREIGN_FILES')).toBe(true)
  }, 60_000)
})

const DBMATE_STYLE = `-- migrate:up
create table notes (id int primary key, body text);
insert into notes (id, body) values (1, 'a;b'); -- a ; inside a string is not a statement end
-- migrate:down
drop table notes;
`

describe.each(['postgres', 'mariadb', 'pglite'] as const)('.sql migrations on %s', (dialect) => {
  it('apply and roll back natively, one statement at a time', async () => {
    const t = await target(dialect, 'sqlmig')
    const second =
      dialect === 'mariadb'
        ? 'alter table notes add column tags text'
        : "alter table notes add column tags jsonb;\nselect 1 where '{\"a\":1}'::jsonb ? 'a'"
    const app = project('sqlmig', {
      '001_notes.sql': DBMATE_STYLE,
      '002_tags.sql': `-- Up Migration\n${second};\n-- Down Migration\nalter table notes drop column tags;\n`,
    })
    const summary = await release({
      knex: t.knex,
      directory: app.directory,
      ...(t.lockFile ? { lockFile: t.lockFile } : {}),
    })
    expect(summary.applied).toEqual(['001_notes.sql', '002_tags.sql'])
    const knex = t.knex()
    try {
      expect((await rows<{ body: string }>(knex, 'select body from notes'))[0]?.body).toBe('a;b')
      expect(await knex.schema.hasColumn('notes', 'tags')).toBe(true)
      const down = await migrateDown({
        knex: t.knex,
        directory: app.directory,
        ...(t.lockFile ? { lockFile: t.lockFile } : {}),
      })
      expect(down.reverted).toEqual(['002_tags.sql', '001_notes.sql'])
      expect(await knex.schema.hasTable('notes')).toBe(false)
    } finally {
      await knex.destroy()
    }
  }, 90_000)
})

describe('.sql migrations get the unsafe-operation checks', () => {
  it('stops CREATE INDEX on an existing table unless it runs concurrently or is acknowledged', async () => {
    const t = await target('postgres', 'sqlcheck')
    const knex = t.knex()
    await knex.schema.createTable('orders', (tb) => {
      tb.increments()
      tb.integer('customer_id')
    })
    await knex.destroy()
    const app = project('sqlcheck', {
      '001_index.sql':
        '-- migrate:up\ncreate index orders_customer on orders (customer_id);\n-- migrate:down\ndrop index orders_customer;\n',
    })
    const error = await failure(release({ knex: t.knex, directory: app.directory }))
    expect(isKitError(error, 'KIT_MIGRATE_UNSAFE_MIGRATION'), String(error)).toBe(true)

    writeFileSync(
      join(app.directory, '001_index.sql'),
      '-- migrate:up transaction:false\ncreate index concurrently if not exists orders_customer on orders (customer_id);\n-- migrate:down\ndrop index concurrently if exists orders_customer;\n',
    )
    const summary = await release({ knex: t.knex, directory: app.directory })
    expect(summary.applied).toEqual(['001_index.sql'])
    expect(summary.findings).toEqual([])
  }, 60_000)
})

describe('no migrations folder', () => {
  it('is "no migrations" when the folder is the default, and an error when it was configured', async () => {
    const t = await target('postgres', 'nofolder')
    const cwd = tempDir('nofolder')
    dirs.push(cwd)
    const summary = await release({ knex: t.knex, cwd })
    expect(summary.applied).toEqual([])
    expect(summary.directoryMissing).toBe(true)
    expect(summary.steps.find((s) => s.step === 'pending')?.detail).toContain('no migrations folder')
    const status = await migrateStatus({ knex: t.knex, cwd })
    expect(status).toMatchObject({ pending: [], directoryMissing: true })

    const configured = await failure(release({ knex: t.knex, cwd, directory: 'db/migrations' }))
    expect(isKitError(configured, 'KIT_MIGRATE_DIRECTORY_NOT_FOUND'), String(configured)).toBe(true)
    mkdirSync(join(cwd, 'db', 'migrations'), { recursive: true })
    expect(
      (await release({ knex: t.knex, cwd, directory: 'db/migrations' })).directoryMissing,
    ).toBeUndefined()
  }, 60_000)
})
