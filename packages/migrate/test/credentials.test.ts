import { readFileSync, statSync } from 'node:fs'
import { silentLogger } from '@kit/internal'
import knexFactory from 'knex'
import { describe, expect, it } from 'vitest'
import { mysqlOptionFile, postgresEnv, serverTarget } from '../src/backup/credentials.ts'
import { withDatabase } from '../src/backup/postgres.ts'
import { connectionSettings, singleConnectionKnex } from '../src/connection.ts'

describe('connection settings for the tools and the single-connection runner', () => {
  it('keeps the password knex hides from enumeration', async () => {
    const knex = knexFactory({
      client: 'pg',
      connection: { host: 'db.example', user: 'app', password: 'pw-secret', database: 'app' },
    })
    try {
      expect(Object.keys(knex.client.connectionSettings)).not.toContain('password')
      expect(connectionSettings(knex)).toMatchObject({ host: 'db.example', password: 'pw-secret' })
      const runner = singleConnectionKnex({ knex, dialect: 'postgres', owned: false }, silentLogger)
      expect(
        (runner.knex.client as { connectionSettings: { password: string } }).connectionSettings.password,
      ).toBe('pw-secret')
      expect((runner.knex.client as { config: { pool: { max: number } } }).config.pool.max).toBe(1)
      await runner.close()
    } finally {
      await knex.destroy()
    }
  })

  it('reads a URL (with sslmode) and an object the same way', () => {
    expect(serverTarget('postgres://u%40x:p%3Ass@h.example:6543/db?sslmode=require')).toEqual({
      host: 'h.example',
      port: 6543,
      user: 'u@x',
      password: 'p:ss',
      database: 'db',
      ssl: true,
      sslmode: 'require',
    })
    expect(
      serverTarget({ host: 'h', port: '5433', user: 'u', database: 'd', ssl: { rejectUnauthorized: false } }),
    ).toEqual({
      host: 'h',
      port: 5433,
      user: 'u',
      database: 'd',
      ssl: true,
    })
  })

  it('gives libpq the password through PGPASSWORD and SSL as sslmode=require', () => {
    const env = postgresEnv(
      serverTarget({ host: 'h', user: 'u', password: 'pw', database: 'd', ssl: true }),
      'scratch',
    )
    expect(env).toMatchObject({
      PGHOST: 'h',
      PGUSER: 'u',
      PGPASSWORD: 'pw',
      PGDATABASE: 'scratch',
      PGSSLMODE: 'require',
    })
  })

  it('writes the MySQL password to a private option file, quoted', async () => {
    const file = await mysqlOptionFile(serverTarget('mysql://root:a"b\\c@127.0.0.1:3306/app'), 'mariadb')
    try {
      expect(statSync(file.path).mode & 0o777).toBe(0o600)
      expect(readFileSync(file.path, 'utf8')).toBe(
        '[client]\nhost=127.0.0.1\nport=3306\nuser="root"\npassword="a\\"b\\\\c"\n',
      )
    } finally {
      await file.remove()
    }
  })

  it('points settings at another database (the scratch copy)', () => {
    expect(withDatabase('postgres://u@h:5432/app', 'kit_verify_x')).toBe('postgres://u@h:5432/kit_verify_x')
    expect(withDatabase({ host: 'h', database: 'app' }, 'kit_verify_x')).toEqual({
      host: 'h',
      database: 'kit_verify_x',
    })
  })
})
