import { PostgresStore } from '@acpr/rate-limit-postgresql'
import {
  createPostgresDatabase,
  createRedisPrefix,
  type ListeningApp,
  type RedisPrefix,
  startTcpProxy,
  type TestDatabase,
} from '@kit/test-utils'
import type { Redis } from 'ioredis'
import pg from 'pg'
import { RedisStore as RateLimitRedisStore } from 'rate-limit-redis'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimits } from '../src/index.ts'
import { FRAMEWORKS, get, isHealth, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'
import { failFastRedis, waitUntilReady } from './helpers/redis.ts'

// Issue 22: published express-rate-limit stores plug into kit's tiers, on both frameworks, against real services.

let redis: RedisPrefix
let ioredis: Redis
const connectNodeRedis = (url: string) => createClient({ url, socket: { connectTimeout: 1000 } })
let nodeRedis: ReturnType<typeof connectNodeRedis>
let db: TestDatabase
type PgPool = { end(): Promise<void>; on(event: 'error', listener: () => void): unknown }
const pools: PgPool[] = []

/**
 * Every pool the store makes in init() is ended before the database is dropped. An idle pg-pool
 * client whose server connection is terminated (DROP DATABASE … WITH (FORCE)) emits 'error' on
 * its pool, which throws when nobody listens.
 */
function trackPools(store: PostgresStore): void {
  const withPool = store as unknown as { pool?: PgPool; init(options: unknown): void }
  const init = withPool.init.bind(store)
  withPool.init = (options) => {
    init(options)
    withPool.pool!.on('error', () => {})
    pools.push(withPool.pool!)
  }
}

beforeAll(async () => {
  redis = await createRedisPrefix('rl-erl-stores')
  ioredis = failFastRedis(redis.url)
  nodeRedis = connectNodeRedis(redis.url)
  nodeRedis.on('error', () => {})
  await Promise.all([waitUntilReady(ioredis), nodeRedis.connect()])
  db = await createPostgresDatabase('rl_erl_store')
})
afterAll(async () => {
  for (const pool of pools.splice(0)) await pool.end()
  await db.drop()
  await redis.cleanup()
  ioredis.disconnect()
  await nodeRedis.close()
})

const opened: { app: ListeningApp; limits: RateLimits }[] = []
afterEach(async () => {
  for (const { app, limits } of opened.splice(0)) {
    await app.close()
    await limits.close()
  }
})

/** @acpr/rate-limit-postgresql migrates its schema from its constructor, without a promise to wait on. */
async function waitForPostgresStoreSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const deadline = Date.now() + 15_000
    for (;;) {
      // postgres-migrations records each of the store's 7 migration files in public.migrations.
      const done = await client.query('SELECT count(*)::int AS n FROM public.migrations').then(
        ({ rows }) => rows[0].n >= 7,
        () => false, // not created yet
      )
      if (done) return
      if (Date.now() > deadline)
        throw new Error('@acpr/rate-limit-postgresql did not create its schema within 15 s')
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await client.end()
  }
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  async function start(tiers: Parameters<typeof createRateLimits>[0], log = new RecordingLogger()) {
    const limits = createRateLimits({ bruteForce: false, ...tiers }, { log, skip: isHealth })
    const app = await startApp(framework, limits)
    opened.push({ app, limits })
    return { url: app.url, log }
  }

  it('counts in rate-limit-redis over ioredis (its README wiring) and over node-redis', async () => {
    const viaIoredis = new RateLimitRedisStore({
      sendCommand: (command: string, ...args: string[]) => ioredis.call(command, ...args) as never,
      prefix: `${redis.prefix}${framework}:io:`,
    })
    const viaNodeRedis = new RateLimitRedisStore({
      sendCommand: (...args: string[]) => nodeRedis.sendCommand(args) as never,
      prefix: `${redis.prefix}${framework}:node:`,
    })
    const { url, log } = await start({
      tiers: {
        global: { limit: 2, store: viaIoredis },
        ai: { limit: 1, windowMs: 30_000, store: viaNodeRedis },
      },
    })
    expect(await statuses(3, () => get(`${url}/hello`))).toEqual([200, 200, 429])
    // The counter is rate-limit-redis's, under its prefix and the bare client key, with the tier's window.
    expect(await ioredis.get(`${redis.prefix}${framework}:io:127.0.0.1`)).toBe('3')
    expect(await ioredis.pttl(`${redis.prefix}${framework}:io:127.0.0.1`)).toBeGreaterThan(50_000)
    const special = await statuses(2, () => get(`${url}/special`))
    expect(special[1]).toBe(429)
    expect(await ioredis.pttl(`${redis.prefix}${framework}:node:127.0.0.1`)).toBeLessThanOrEqual(30_000)
    expect(log.problems()).toEqual([])
  })

  it('counts in @acpr/rate-limit-postgresql against real Postgres', async () => {
    const store = new PostgresStore({ connectionString: db.url }, `kit-${framework}`)
    trackPools(store)
    await waitForPostgresStoreSchema(db.url)
    const { url, log } = await start({ tiers: { global: { limit: 2, store } } })
    const codes = await statuses(3, () => get(`${url}/hello`))
    expect(codes).toEqual([200, 200, 429])
    expect(log.problems()).toEqual([])
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      const { rows } = await client.query(
        'SELECT count FROM rate_limit.records_aggregated r JOIN rate_limit.sessions s ON s.id = r.session_id WHERE s.name_ = $1 AND r.key = $2',
        [`kit-${framework}`, '127.0.0.1'],
      )
      expect(rows.map((row) => Number(row.count))).toEqual([3])
    } finally {
      await client.end()
    }
  })

  it("applies kit's outage handling to a user's store: bounded, reported once, fail-open or fail-closed per tier", async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(redis.url).port) })
    const client = failFastRedis(proxy.via(redis.url))
    try {
      await waitUntilReady(client)
      const storeFor = (name: string) =>
        new RateLimitRedisStore({
          sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as never,
          prefix: `${redis.prefix}${framework}:outage:${name}:`,
        })
      const log = new RecordingLogger()
      const { url } = await start(
        {
          storeTimeoutMs: 300,
          tiers: { global: { limit: 1, store: storeFor('global') }, ai: { limit: 1, store: storeFor('ai') } },
          failClosed: ['ai'],
        },
        log,
      )
      expect(await statuses(1, () => get(`${url}/hello`))).toEqual([200])
      proxy.blackhole()
      // global fails open (the request passes, over its limit); ai fails closed (503).
      expect(await statuses(2, () => get(`${url}/hello`))).toEqual([200, 200])
      expect((await get(`${url}/special`)).status).toBe(503)
      const warnings = log.problems().filter((e) => e.message.includes('is unavailable'))
      expect(warnings.length).toBeGreaterThanOrEqual(1)
      expect(String(warnings[0]!.fields.store)).toContain('RedisStore (tier ')
    } finally {
      client.disconnect()
      await proxy.close()
    }
  })

  it('recovers a store whose backend was down when it started (rate-limit-redis keeps a failed script load)', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(redis.url).port) })
    const client = failFastRedis(proxy.via(redis.url))
    try {
      await waitUntilReady(client)
      proxy.blackhole()
      const store = new RateLimitRedisStore({
        sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as never,
        prefix: `${redis.prefix}${framework}:late:`,
      })
      const log = new RecordingLogger()
      const { url } = await start({ storeTimeoutMs: 300, tiers: { global: { limit: 2, store } } }, log)
      // init() (SCRIPT LOAD) fails within ioredis' commandTimeout; requests pass meanwhile.
      const deadline = Date.now() + 10_000
      while (!log.problems().some((e) => e.message.includes('failed to start'))) {
        if (Date.now() > deadline) throw new Error('init() failure was not reported within 10 s')
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(await statuses(3, () => get(`${url}/hello`))).toEqual([200, 200, 200])
      proxy.heal()
      // The probe runs init() again; then the tier counts: the third request of a fresh window is refused.
      let codes: number[] = []
      while (!codes.includes(429)) {
        if (Date.now() > deadline + 10_000) throw new Error(`limits did not resume: ${codes.join(',')}`)
        codes = await statuses(3, () => get(`${url}/hello`))
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(log.entries.some((e) => e.level === 'info' && e.message.includes('answers again'))).toBe(true)
    } finally {
      client.disconnect()
      await proxy.close()
    }
  })
})
