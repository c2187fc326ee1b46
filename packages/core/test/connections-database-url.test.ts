// DATABASE_URL forms that pg-connection-string understands, on the real
// servers: Unix socket URLs, `options`, `sslmode` / `sslrootcert`, MySQL and
// MariaDB URLs; and kit's TLS policy on top of them.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadEnv } from '@kit/env'
import { createMariaDatabase, createPostgresDatabase, type TestDatabase } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/connections/database.ts'
import { parseDatabaseUrl } from '../src/connections/database-url.ts'

const CANARY = 'pw-canary-5c1e'

/** Where this machine's Postgres listens on a Unix socket (Debian: /var/run/postgresql). */
function socketDirectory(): string {
  const found = ['/var/run/postgresql', '/run/postgresql', '/tmp'].find((dir) =>
    existsSync(join(dir, '.s.PGSQL.5432')),
  )
  if (!found)
    throw new Error('No Postgres Unix socket (.s.PGSQL.5432) in /var/run/postgresql, /run/postgresql or /tmp')
  return found
}

describe('PostgreSQL URLs', () => {
  let db: TestDatabase
  const scratch = mkdtempSync(join(tmpdir(), 'kit-db-url-'))
  beforeAll(async () => {
    db = await createPostgresDatabase('db_url')
  })
  afterAll(async () => {
    await db.drop()
    rmSync(scratch, { recursive: true, force: true })
  })

  async function serverSays(url: string, sql: string, env: Record<string, string> = {}) {
    const { knex, description } = createDatabase({ DATABASE_URL: url, ...env } as never)
    try {
      const { rows } = await knex.raw(sql)
      return { row: rows[0] as Record<string, unknown>, description }
    } finally {
      await knex.destroy()
    }
  }

  it('postgres://user@/db?host=<socket dir> connects over the Unix socket, without TLS even in production', async () => {
    const url = `postgres://postgres@/${db.name}?host=${socketDirectory()}`
    const parsed = parseDatabaseUrl(url, 'auto', { production: true })
    expect(parsed).toMatchObject({ host: socketDirectory(), socket: true, database: db.name, ssl: false })
    const { row, description } = await serverSays(
      url,
      'select current_database() as db, inet_server_addr() as addr',
      { NODE_ENV: 'production' },
    )
    // A socket connection has no server address.
    expect(row).toEqual({ db: db.name, addr: null })
    expect(description).toBe(`PostgreSQL at ${socketDirectory()} (socket)/${db.name}`)
  })

  it('?host=/some/dir overrides the URL host, as libpq does (here a folder holding a link to the socket)', async () => {
    const dir = join(scratch, 'sock')
    mkdirSync(dir)
    symlinkSync(join(socketDirectory(), '.s.PGSQL.5432'), join(dir, '.s.PGSQL.5432'))
    const { row } = await serverSays(
      `postgres://postgres@localhost/${db.name}?host=${encodeURIComponent(dir)}`,
      'select inet_server_addr() as addr, current_user as who',
    )
    expect(row).toEqual({ addr: null, who: 'postgres' })
  })

  it('options=-c search_path=... and application_name reach the server', async () => {
    const options = encodeURIComponent('-c search_path=kit_opts,public')
    const { row } = await serverSays(
      `postgres://postgres@127.0.0.1:5432/${db.name}?options=${options}&application_name=kit-url-test`,
      "select current_setting('search_path') as path, current_setting('application_name') as app",
    )
    expect(row).toEqual({ path: 'kit_opts,public', app: 'kit-url-test' })
  })

  it('sslmode=require is honoured: kit asks for TLS (this server has none, so pg says so)', async () => {
    const { knex } = createDatabase({
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db.name}?sslmode=require`,
    })
    try {
      await expect(knex.raw('select 1')).rejects.toThrow(/does not support SSL/)
    } finally {
      await knex.destroy()
    }
    // sslmode=disable to the same server: plain connection.
    const { row } = await serverSays(
      `postgres://postgres@127.0.0.1:5432/${db.name}?sslmode=disable`,
      'select 1 as one',
    )
    expect(row).toEqual({ one: 1 })
  })

  it('sslrootcert is read and verifies the server (libpq: require with a root certificate verifies)', () => {
    const ca = join(scratch, 'root.crt')
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    const parsed = parseDatabaseUrl(
      `postgres://app:${CANARY}@db.example.com/app?sslmode=require&sslrootcert=${ca}`,
    )
    expect(parsed.ssl).toEqual({
      rejectUnauthorized: true,
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    })
    expect(parsed.params).toEqual({})
  })

  it('a missing sslrootcert file is a KIT_ error naming it, never the password', () => {
    const url = `postgres://app:${CANARY}@db.example.com/app?sslmode=verify-full&sslrootcert=/nonexistent/root.crt`
    expect(() => parseDatabaseUrl(url)).toThrow(
      expect.objectContaining({
        code: 'KIT_CORE_DATABASE_URL_INVALID',
        message: expect.stringContaining(
          'sslrootcert=/nonexistent/root.crt, which could not be read (ENOENT)',
        ),
      }),
    )
    expect(() => parseDatabaseUrl(url)).not.toThrow(new RegExp(CANARY))
  })
})

describe('kit’s TLS rule on top of the URL', () => {
  it.each([
    [
      'a socket in production',
      `postgres://u:${CANARY}@/app?host=/var/run/postgresql`,
      { production: true },
      false,
    ],
    ['127.0.0.1 in production', `postgres://u:${CANARY}@127.0.0.1/app`, { production: true }, false],
    [
      'a remote host in production',
      `postgres://u:${CANARY}@db.example.com/app`,
      { production: true },
      { rejectUnauthorized: true },
    ],
    ['a remote host in development', `postgres://u:${CANARY}@db.example.com/app`, {}, false],
    [
      'sslmode=no-verify (node-postgres)',
      `postgres://u:${CANARY}@db.example.com/app?sslmode=no-verify`,
      {},
      { rejectUnauthorized: false },
    ],
    [
      'ssl=true in development',
      `postgres://u:${CANARY}@db.example.com/app?ssl=true`,
      {},
      { rejectUnauthorized: false },
    ],
    // ssl=true asks for TLS; it never turns production's verification off.
    [
      'ssl=true in production',
      `postgres://u:${CANARY}@db.example.com/app?ssl=true`,
      { production: true },
      { rejectUnauthorized: true },
    ],
  ] as const)('%s', (_what, url, platform, ssl) => {
    expect(parseDatabaseUrl(url, 'auto', platform).ssl).toEqual(ssl)
  })
})

describe('malformed URLs', () => {
  it.each([
    `postgres://app:${CANARY}@db.example.com:99999/app`,
    `postgres://app:${CANARY}@db.example.com:port/app`,
    `postgres://app:${CANARY}@[::1/app`,
    `app:${CANARY}@db.example.com/app`,
    `redis://app:${CANARY}@db.example.com/app`,
  ])('%s: KIT_CORE_DATABASE_URL_INVALID without the password', (url) => {
    let error: unknown
    try {
      parseDatabaseUrl(url)
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({ code: 'KIT_CORE_DATABASE_URL_INVALID' })
    expect(String(error)).toContain('DATABASE_URL')
    expect(
      JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) }),
    ).not.toContain(CANARY)
  })
})

describe('MySQL and MariaDB URLs', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createMariaDatabase('db_url')
  })
  afterAll(() => db.drop())

  it.each(['mysql', 'mariadb', 'mysql2'])('%s:// connects through mysql2', async (scheme) => {
    const url = db.url.replace(/^mysql:/, `${scheme}:`)
    const { knex, kind } = createDatabase({ DATABASE_URL: url })
    try {
      expect(kind).toBe('mysql')
      const [rows] = await knex.raw('select database() as name')
      expect(rows[0]).toEqual({ name: db.name })
    } finally {
      await knex.destroy()
    }
  })
})

describe('what the env schema accepts, the connection accepts', () => {
  it.each([
    `postgres://postgres@/app?host=/var/run/postgresql`,
    'postgresql://u:p%40ss@db.example.com:6432/app?sslmode=require&options=-c%20search_path%3Dx',
    'mariadb://root@127.0.0.1:3306/app',
  ])('%s', (url) => {
    const env = loadEnv({ dotenv: false, preset: false, source: { DATABASE_URL: url } })
    expect(env.DATABASE_URL).toBe(url)
    expect(() => parseDatabaseUrl(env.DATABASE_URL!)).not.toThrow()
  })
})
