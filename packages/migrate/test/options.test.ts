import { isKitError } from '@kit/internal'
import knexFactory from 'knex'
import { describe, expect, it } from 'vitest'
import { migrateStatus, release } from '../src/index.ts'
import { createTarget } from './helpers.ts'

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: Error & { code?: string }) => error,
  )
}

// A factory that must never be called: option errors are thrown before connecting.
const never = () => {
  throw new Error('connected before validating options')
}

describe('release() options', () => {
  it.each([
    [{ knex: undefined }, '`knex` is undefined; expected a knex instance or a function'],
    [{ knex: 'postgres://x' }, '`knex` is "postgres://x"'],
    [{ knex: never, lockTimeoutMs: -1 }, '`lockTimeoutMs` is -1; expected a whole number'],
    [{ knex: never, statementTimeoutMs: 1.5 }, '`statementTimeoutMs` is 1.5'],
    [{ knex: never, waitForLockMs: '10s' }, '`waitForLockMs` is "10s"'],
    [{ knex: never, lockRetries: Number.NaN }, '`lockRetries`'],
    [{ knex: never, retryDelayMs: -5 }, '`retryDelayMs`'],
    [{ knex: never, directory: '' }, '`directory`'],
    [{ knex: never, tableName: 'drop table x;' }, '`tableName` is "drop table x;"'],
    [{ knex: never, lockFile: 3 }, '`lockFile`'],
    [{ knex: never, reporter: 'text' }, '`reporter`'],
    [{ knex: never, unsafe: 'ignore' }, "`unsafe` is \"ignore\"; expected 'error' or 'warn'"],
    [{ knex: never, backup: 'yes' }, '`backup`'],
    [
      { knex: never, lockTimeout: 100 },
      'release() has no option `lockTimeout`. Did you mean `lockTimeoutMs`?',
    ],
    [{ knex: never, dir: 'migrations' }, 'release() has no option `dir`. Did you mean `directory`?'],
  ])('rejects %j with KIT_MIGRATE_INVALID_OPTION', async (options, message) => {
    const error = await rejection(release(options as never))
    expect(error.code).toBe('KIT_MIGRATE_INVALID_OPTION')
    expect(error.message).toContain(message)
  })

  it('rejects a factory that returns something other than knex', async () => {
    const error = await rejection(release({ knex: () => ({}) as never }))
    expect(error.code).toBe('KIT_MIGRATE_INVALID_OPTION')
    expect(error.message).toContain('did not return a knex instance')
  })

  it('rejects an unsupported knex client with KIT_MIGRATE_UNSUPPORTED_DATABASE', async () => {
    const knex = knexFactory({ client: 'sqlite3', useNullAsDefault: true }) // no connection: knex loads no driver
    try {
      const error = await rejection(release({ knex, directory: '/tmp' }))
      expect(error.code).toBe('KIT_MIGRATE_UNSUPPORTED_DATABASE')
      expect(error.message).toContain('"sqlite3"')
    } finally {
      await knex.destroy()
    }
  })

  it('reports an unreachable database as KIT_MIGRATE_CONNECT_FAILED without its password', async () => {
    const knex = () =>
      knexFactory({
        client: 'pg',
        connection: 'postgres://kit:s3cret-pass@127.0.0.1:1/none',
        acquireConnectionTimeout: 2000,
        log: { warn() {}, error() {}, debug() {}, deprecate() {} },
      })
    const error = await rejection(release({ knex }))
    expect(error.code).toBe('KIT_MIGRATE_CONNECT_FAILED')
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.message).not.toContain('s3cret-pass')
  })

  it('leaves a knex instance it was given open, and destroys one it created', async () => {
    const target = await createTarget('postgres', 'ownership')
    try {
      const given = target.knex()
      const { tempDir } = await import('./helpers.ts')
      const directory = tempDir('own')
      await migrateStatus({ knex: given, directory })
      expect(await given.raw('select 1 as one')).toBeTruthy()
      let made: ReturnType<typeof target.knex> | undefined
      await migrateStatus({
        knex: () => {
          made = target.knex()
          return made
        },
        directory,
      })
      const error = await made!.raw('select 1').catch((e: unknown) => e)
      expect(isKitError(error)).toBe(false)
      expect(String(error)).toMatch(/unable to acquire a connection/i)
    } finally {
      await target.cleanup()
    }
  })
})
