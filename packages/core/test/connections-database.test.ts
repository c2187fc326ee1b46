import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMariaDatabase, createPostgresDatabase, type TestDatabase } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/connections/database.ts'
import { parseDatabaseUrl } from '../src/connections/database-url.ts'

describe('createDatabase on PostgreSQL', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createPostgresDatabase('core_db')
  })
  afterAll(() => db.drop())

  it('runs queries with the statement and lock timeouts set on each connection', async () => {
    const { knex, kind, description } = createDatabase(
      { DATABASE_URL: db.url, DATABASE_POOL_MAX: 3 },
      { statementTimeoutMs: 1234, lockTimeoutMs: 567 },
    )
    expect(kind).toBe('postgres')
    expect(description).not.toContain('@')
    const { rows } = await knex.raw('show statement_timeout')
    expect(rows[0].statement_timeout).toBe('1234ms')
    const lock = await knex.raw('show lock_timeout')
    expect(lock.rows[0].lock_timeout).toBe('567ms')
    await knex.destroy()
  })

  it('cancels a statement that runs past statement_timeout', async () => {
    const { knex } = createDatabase({ DATABASE_URL: db.url }, { statementTimeoutMs: 200 })
    await expect(knex.raw('select pg_sleep(2)')).rejects.toThrow(/statement timeout/)
    await knex.destroy()
  })
})

describe('createDatabase on MariaDB', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createMariaDatabase('core_db')
  })
  afterAll(() => db.drop())

  it('connects through mysql2 and sets the lock wait timeout', async () => {
    const { knex, kind } = createDatabase({ DATABASE_URL: db.url }, { lockTimeoutMs: 3000 })
    expect(kind).toBe('mysql')
    const [rows] = await knex.raw('select @@innodb_lock_wait_timeout as t, database() as name')
    expect(rows[0]).toEqual({ t: 3, name: db.name })
    await knex.destroy()
  })
})

describe('createDatabase without DATABASE_URL (embedded PGlite)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'kit-pglite-'))
  afterAll(() => rmSync(cwd, { recursive: true, force: true }))

  it('stores real Postgres data under .kit/pgdata and keeps it across instances', async () => {
    const first = createDatabase({}, {}, { cwd })
    expect(first.kind).toBe('pglite')
    await first.knex.schema.createTable('notes', (t) => {
      t.increments('id')
      t.text('body')
    })
    await first.knex('notes').insert({ body: 'kept' })
    await first.knex.destroy()

    const second = createDatabase({}, {}, { cwd })
    expect(await second.knex('notes').select('body')).toEqual([{ body: 'kept' }])
    const { rows } = await second.knex.raw('select version()')
    expect(rows[0].version).toMatch(/PostgreSQL/)
    await second.knex.destroy()
  })
})

describe('parseDatabaseUrl', () => {
  it('keeps credentials out of everything but the driver fields', () => {
    const url = parseDatabaseUrl(
      'postgres://app:s3cr%40t@db.example.com:6432/main?sslmode=require&application_name=web',
    )
    expect(url).toMatchObject({
      host: 'db.example.com',
      port: 6432,
      user: 'app',
      password: 's3cr@t',
      database: 'main',
    })
    expect(url.params).toEqual({ application_name: 'web' })
  })

  it.each([
    ['postgres://u:p@localhost/db', 'auto', {}, false],
    ['postgres://u:p@127.0.0.1/db', 'auto', { production: true }, false],
    ['postgres://u:p@db.example.com/db', 'auto', { production: true }, { rejectUnauthorized: true }],
    ['postgres://u:p@db.example.com/db', 'auto', {}, false],
    [
      'postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com/db',
      'auto',
      { production: true },
      { rejectUnauthorized: false },
    ],
    ['postgres://u:p@db.example.com/db', 'auto', { heroku: true }, { rejectUnauthorized: false }],
    ['postgres://u:p@db.example.com/db?sslmode=require', 'auto', {}, { rejectUnauthorized: false }],
    ['postgres://u:p@db.example.com/db?sslmode=verify-full', 'auto', {}, { rejectUnauthorized: true }],
    ['postgres://u:p@db.example.com/db?sslmode=disable', 'auto', { production: true }, false],
    // An explicit DATABASE_SSL beats sslmode in the URL (pg would let the URL win).
    ['postgres://u:p@db.example.com/db?sslmode=disable', 'verify', {}, { rejectUnauthorized: true }],
    ['postgres://u:p@ec2-1.compute-1.amazonaws.com/db', 'off', { heroku: true }, false],
    ['postgres://u:p@localhost/db', 'no-verify', {}, { rejectUnauthorized: false }],
  ] as const)('%s with DATABASE_SSL=%s %o → ssl %o', (url, mode, platform, ssl) => {
    expect(parseDatabaseUrl(url, mode, platform).ssl).toEqual(ssl)
  })

  it('names the problem without echoing a malformed URL (it may hold a password)', () => {
    expect(() => parseDatabaseUrl('postgres://user:hunter2-canary@')).not.toThrow(/hunter2-canary/)
    try {
      parseDatabaseUrl('not a url hunter2-canary')
      expect.unreachable()
    } catch (error) {
      expect(String(error)).toContain('DATABASE_URL is not a valid URL')
      expect(String(error)).not.toContain('hunter2-canary')
    }
  })

  it('refuses unsupported protocols with the ones it supports', () => {
    expect(() => parseDatabaseUrl('sqlite://file.db')).toThrow(/postgres:\/\/.*mysql:\/\//)
  })
})
