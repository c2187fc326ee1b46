import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { DoctorDatabase } from '@kit/doctor'
import { migrateTo } from '@kit/migrate'
import { createMariaDatabase, createPostgresDatabase, type TestDatabase } from '@kit/test-utils'
import knex from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { doctorCheck, env, GOOD_FILES, project } from './support/project.ts'

const CREATE_USERS =
  "export async function up(knex) { await knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email') }) }\nexport async function down(knex) { await knex.schema.dropTable('users') }\n"
const INDEX_EMAIL = (acknowledged: boolean) =>
  `${acknowledged ? "export const kit = { acknowledge: ['add-index-non-concurrently'] }\n" : ''}export async function up(knex) { await knex.schema.alterTable('users', (t) => { t.index('email') }) }\nexport async function down() {}\n`

/** An app whose first migration is applied and second pending (each check gets a fresh copy of the folder). */
const MIGRATION_FILES: Record<string, string> = {
  ...GOOD_FILES,
  'migrations/001_create_users.mjs': CREATE_USERS,
  'migrations/002_index_email.mjs': INDEX_EMAIL(false),
}

// knex logs connection errors itself; the check reports them.
const QUIET = { warn() {}, error() {}, debug() {}, deprecate() {} }

function postgres(url: string) {
  return (): DoctorDatabase => ({
    knex: knex({ client: 'pg', connection: url, pool: { min: 0, max: 2 }, log: QUIET }),
    kind: 'postgres',
  })
}

describe('online checks on PostgreSQL', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createPostgresDatabase('doctor_online')
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('KIT-DB-003 passes a local server without TLS and says so', async () => {
    const result = await doctorCheck(
      'KIT-DB-003',
      { env: env({ DATABASE_URL: db.url }), database: postgres(db.url) },
      true,
    )
    expect(result).toMatchObject({ status: 'pass', finding: 'connected (local, no TLS needed)' })
  })

  it('KIT-DB-003 fails with the reason when the database does not answer', async () => {
    const url = 'postgres://postgres@127.0.0.1:1/none'
    const result = await doctorCheck(
      'KIT-DB-003',
      { env: env({ DATABASE_URL: url }), database: postgres(url) },
      true,
    )
    expect(result.status).toBe('fail')
    expect(result.finding).toMatch(/could not run: .*ECONNREFUSED/)
  })

  it('KIT-DB-004 compares the pool with max_connections', async () => {
    const ok = await doctorCheck(
      'KIT-DB-004',
      { env: env({ DATABASE_URL: db.url }), database: postgres(db.url) },
      true,
    )
    expect(ok.status).toBe('pass')
    expect(ok.finding).toMatch(/DATABASE_POOL_MAX 10 × 1 process = 10 of \d+ connections/)
    const tooMany = await doctorCheck(
      'KIT-DB-004',
      {
        env: env({ DATABASE_URL: db.url, DATABASE_POOL_MAX: '200', WEB_CONCURRENCY: '20' }),
        database: postgres(db.url),
      },
      true,
    )
    expect(tooMany.status).toBe('fail')
    expect(tooMany.finding).toMatch(/= 4000 of \d+ connections: one instance can exhaust the server/)
  })

  describe('migrations', () => {
    let root: string
    beforeAll(async () => {
      root = project(MIGRATION_FILES)
      const connection = knex({ client: 'pg', connection: db.url })
      await migrateTo({ knex: connection, directory: join(root, 'migrations'), name: '001_create_users' })
      await connection.destroy()
    })

    it('KIT-MIG-001 lists pending migrations', async () => {
      const result = await doctorCheck(
        'KIT-MIG-001',
        { env: env({ DATABASE_URL: db.url }), database: postgres(db.url), files: MIGRATION_FILES },
        true,
      )
      expect(result).toMatchObject({ status: 'fail', finding: '1 pending: 002_index_email.mjs' })
    })

    it('KIT-MIG-002 fails on an unsafe pending migration and passes once it is acknowledged', async () => {
      const unsafe = await doctorCheck(
        'KIT-MIG-002',
        { env: env({ DATABASE_URL: db.url }), database: postgres(db.url), files: MIGRATION_FILES },
        true,
      )
      expect(unsafe.status).toBe('fail')
      expect(unsafe.finding).toMatch(
        /1 unsafe operation: 002_index_email\.mjs: add-index-non-concurrently on users/,
      )
      const acknowledged = await doctorCheck(
        'KIT-MIG-002',
        {
          env: env({ DATABASE_URL: db.url }),
          database: postgres(db.url),
          files: { ...MIGRATION_FILES, 'migrations/002_index_email.mjs': INDEX_EMAIL(true) },
        },
        true,
      )
      expect(acknowledged).toMatchObject({ status: 'pass' })
    })

    it('KIT-MIG-001 fails on migration files kit cannot load instead of calling the database up to date', async () => {
      const files = {
        ...GOOD_FILES,
        'migrations/001.do.create_users.sql': 'create table users (id int);',
        'migrations/001.undo.create_users.sql': 'drop table users;',
      }
      const result = await doctorCheck(
        'KIT-MIG-001',
        { env: env({ DATABASE_URL: db.url }), database: postgres(db.url), files },
        true,
      )
      expect(result.status).toBe('fail')
      expect(result.finding).toMatch(/2 file\(s\) in .*migrations are not migrations kit can load/)
    })

    it('KIT-MIG-001 reads the knexfile kit release reads: its folder, history table and schema', async () => {
      const files = {
        ...GOOD_FILES,
        'knexfile.cjs':
          "module.exports = { client: 'pg', migrations: { directory: 'db/migrations', tableName: 'schema_history', schemaName: 'doctor_meta' } }\n",
        'db/migrations/001_create_users.mjs': CREATE_USERS,
        'db/migrations/002_index_email.mjs': INDEX_EMAIL(false),
      }
      // Its own database: the other cases already created users in this one's public schema.
      const own = await createPostgresDatabase('doctor_knexfile')
      const app = project(files)
      const connection = knex({ client: 'pg', connection: own.url })
      await migrateTo({
        knex: connection,
        cwd: app,
        directory: 'db/migrations',
        tableName: 'schema_history',
        schemaName: 'doctor_meta',
        name: '001_create_users',
      })
      await connection.destroy()
      try {
        const result = await doctorCheck(
          'KIT-MIG-001',
          { env: env({ DATABASE_URL: own.url }), database: postgres(own.url), files },
          true,
        )
        expect(result).toMatchObject({ status: 'fail', finding: '1 pending: 002_index_email.mjs' })
      } finally {
        await own.drop()
      }
    })

    it('KIT-MIG-001 skips an app without a migrations folder', async () => {
      const result = await doctorCheck(
        'KIT-MIG-001',
        { env: env({ DATABASE_URL: db.url }), database: postgres(db.url) },
        true,
      )
      expect(result.status).toBe('skip')
      expect(result.finding).toMatch(/no migrations directory/)
    })
  })
})

describe('online checks on MariaDB', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createMariaDatabase('doctor_online')
  })
  afterAll(async () => {
    await db?.drop()
  })
  const mysql = (url: string) => (): DoctorDatabase => ({
    knex: knex({ client: 'mysql2', connection: url, pool: { min: 0, max: 2 } }),
    kind: 'mysql',
  })

  it('KIT-DB-003 and KIT-DB-004 read the session and max_connections', async () => {
    const fixture = { env: env({ DATABASE_URL: db.url }), database: mysql(db.url) }
    expect((await doctorCheck('KIT-DB-003', fixture, true)).status).toBe('pass')
    const pool = await doctorCheck('KIT-DB-004', fixture, true)
    expect(pool.status).toBe('pass')
    expect(pool.finding).toMatch(/of \d+ connections/)
  })
})

describe('KIT-MAIL-003 against a local SendGrid API', () => {
  let server: Server
  let baseUrl: string
  const GOOD = 'SG.f3Kq9ZrT1wXb2LmN7pVd.Hy4Jc8Ue0Ra6Ws5Qo2Ti9Gk1Zn3Xv7Bm4Lp'
  const READ_ONLY = 'SG.R0nly9ZrT1wXb2LmN7pV.Hy4Jc8Ue0Ra6Ws5Qo2Ti9Gk1Zn3Xv7Bm4Lp'
  beforeAll(async () => {
    server = createServer((req, res) => {
      const key = req.headers.authorization?.replace(/^Bearer /, '')
      res.setHeader('content-type', 'application/json')
      if (req.url !== '/v3/scopes') return void res.writeHead(404).end('{}')
      if (key === GOOD) return void res.end(JSON.stringify({ scopes: ['mail.send', 'user.profile.read'] }))
      if (key === READ_ONLY) return void res.end(JSON.stringify({ scopes: ['user.profile.read'] }))
      res.writeHead(401).end(JSON.stringify({ errors: [{ field: null, message: 'authorization required' }] }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const withKey = (key: string) => ({
    env: env({ SENDGRID_API_KEY: key }),
    config: { mail: { sendgrid: { baseUrl } } },
  })

  it('passes a key with the mail.send scope', async () => {
    const result = await doctorCheck('KIT-MAIL-003', withKey(GOOD), true)
    expect(result).toMatchObject({ status: 'pass', finding: 'sendgrid: API key has the mail.send scope' })
  })

  it('fails a key the provider refuses, without printing it', async () => {
    const bad = 'SG.Wr0ng9ZrT1wXb2LmN7pV.Hy4Jc8Ue0Ra6Ws5Qo2Ti9Gk1Zn3Xv7Bm4Lp'
    const result = await doctorCheck('KIT-MAIL-003', withKey(bad), true)
    expect(result.status).toBe('fail')
    expect(result.finding).toMatch(/^sendgrid: /)
    expect(result.finding).not.toContain(bad)
  })

  it('fails a key without the mail.send scope', async () => {
    const result = await doctorCheck('KIT-MAIL-003', withKey(READ_ONLY), true)
    expect(result.status).toBe('fail')
    expect(result.finding).toMatch(/mail\.send/)
  })

  it('skips when no provider is configured', async () => {
    expect((await doctorCheck('KIT-MAIL-003', { env: env({ MAIL_PROVIDER: undefined }) }, true)).status).toBe(
      'skip',
    )
  })
})
