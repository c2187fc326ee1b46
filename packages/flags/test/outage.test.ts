import { freePort, POSTGRES_URL, startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { Redis } from 'ioredis'
import knexFactory from 'knex'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFlags, ensureFlagsTable } from '../src/index.ts'
import { createTestDatabase, QUIET_KNEX_LOG, type TestDatabase } from './helpers/databases.ts'
import { DEFINITIONS } from './helpers/definitions.ts'
import { eventually, memoryLogger } from './helpers/log.ts'
import { uniqueChannel } from './helpers/processes.ts'

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

describe('database stopped', () => {
  let db: TestDatabase

  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'flags-outage')
    await ensureFlagsTable(db.knex())
  })
  afterAll(async () => {
    await admin(`ALTER DATABASE "${new URL(db.url!).pathname.slice(1)}" ALLOW_CONNECTIONS true`).catch(
      () => {},
    )
    await db?.drop()
  })

  it('keeps serving the last known values, logs the failure once per interval, and recovers', async () => {
    const name = new URL(db.url!).pathname.slice(1)
    const { log, messages } = memoryLogger()
    const flags = createFlags(
      DEFINITIONS,
      { file: false, pollIntervalMs: 100, outageLogIntervalMs: 60_000 },
      { knex: db.knex(), log, env: { FLAG_MAX_ITEMS: '5' } },
    )
    await flags.start()
    await flags.set('newCheckout', true, { actor: 'test' })
    await flags.set('checkoutCopy', 'b', { actor: 'test' })

    // The database goes away: every connection is cut and new ones are refused.
    await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`)
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`)
    const failed = (what: string) => messages('warn').filter((m) => m.startsWith(what))
    await eventually(
      () => failed('Reading feature flags from the database failed').length > 0,
      5000,
      'the failure log',
    )
    // Ten more polls fail while it stays down.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(flags.get('newCheckout')).toBe(true)
    expect(flags.get('checkoutCopy')).toBe('b')
    expect(flags.get('maxItems')).toBe(5)
    expect(failed('Reading feature flags from the database failed')).toHaveLength(1)
    expect(failed('Listening for flag changes (Postgres LISTEN) failed')).toHaveLength(1)

    // Back: the next poll reads again, and a change made meanwhile elsewhere shows.
    await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`)
    const other = db.knex()
    await other('kit_feature_flags')
      .where({ name: 'checkoutCopy' })
      .update({ state: '{"enabled":true,"value":"c"}', version: 99 })
    await eventually(() => flags.get('checkoutCopy') === 'c', 5000, 'the value written while it was away')
    await eventually(
      () => messages('info').some((m) => m === 'Reading feature flags from the database works again'),
      5000,
      'the recovery log',
    )
    await flags.close()
  })

  it('serves code, file and env values when the database is unreachable from the start', async () => {
    const port = await freePort()
    const knex = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', port, user: 'postgres', database: 'nowhere' },
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 1000,
      log: QUIET_KNEX_LOG,
    })
    const { log, messages } = memoryLogger()
    const flags = createFlags(
      DEFINITIONS,
      { file: false, startTimeoutMs: 3000, pollIntervalMs: 200 },
      { knex, log, env: { FLAG_NEW_CHECKOUT: 'on' } },
    )
    const started = Date.now()
    await flags.start()
    // Bounded by startTimeoutMs (3 s); the rest is headroom for a busy machine.
    expect(Date.now() - started).toBeLessThan(8000)
    expect(flags.evaluate('newCheckout')).toMatchObject({ value: true, source: 'env' })
    expect(flags.get('maxItems')).toBe(10)
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(
      messages('warn').filter((m) => m.startsWith('Reading feature flags from the database failed')),
    ).toHaveLength(1)
    await flags.close()
    await knex.destroy()
  })
})

describe('Redis stopped', () => {
  let redis: ThrowawayRedis
  let db: TestDatabase

  beforeAll(async () => {
    redis = await startThrowawayRedis()
    db = await createTestDatabase('mariadb', 'flags-redis-outage')
    await ensureFlagsTable(db.knex())
  })
  afterAll(async () => {
    await redis?.destroy()
    await db?.drop()
  })

  it('re-reads the database when Redis comes back, so a change announced while it was down is not lost', async () => {
    const channel = uniqueChannel()
    const client = () =>
      new Redis(redis.url, { maxRetriesPerRequest: 1, commandTimeout: 500, retryStrategy: () => 100 })
    const writerRedis = client()
    const readerRedis = client()
    writerRedis.on('error', () => {})
    readerRedis.on('error', () => {})
    const { log, messages } = memoryLogger()
    const options = { file: false, invalidation: 'redis', channel, pollIntervalMs: 60_000 } as const
    const writer = createFlags(DEFINITIONS, options, { knex: db.knex(), redis: writerRedis, env: {}, log })
    const reader = createFlags(DEFINITIONS, options, { knex: db.knex(), redis: readerRedis, env: {}, log })
    await writer.start()
    await reader.start()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await writer.set('maxItems', 1)
    await eventually(() => reader.get('maxItems') === 1, 3000, 'the first change')

    await redis.stop()
    await writer.set('maxItems', 2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(reader.get('maxItems')).toBe(1)
    expect(messages('warn').some((m) => m.startsWith('Could not announce a flag change on Redis'))).toBe(true)

    await redis.start()
    await eventually(() => reader.get('maxItems') === 2, 5000, 'the change made while Redis was down')
    await writer.close()
    await reader.close()
    writerRedis.disconnect()
    readerRedis.disconnect()
  })
})
