import {
  createRedisPrefix,
  type ListeningApp,
  type RedisPrefix,
  startThrowawayRedis,
  type ThrowawayRedis,
} from '@kit/test-utils'
import type { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimits, StoreUnavailableError } from '../src/index.ts'
import { createRedisStore, RedisStore } from '../src/stores/redis.ts'
import { HIT } from '../src/stores/redis-scripts.ts'
import { FRAMEWORKS, get, isHealth, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'
import { commandCalls, failFastRedis, waitUntilReady } from './helpers/redis.ts'
import { testRateLimitStore } from './helpers/store-conformance.ts'

// Issue 22: kit's Redis store with a node-redis (`redis`) client, as well as ioredis.

async function connectNodeRedis(url: string) {
  const client = createClient({
    url,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * (retries + 1), 300) },
  })
  client.on('error', () => {})
  await client.connect()
  return client
}

type NodeRedis = Awaited<ReturnType<typeof connectNodeRedis>>

let shared: RedisPrefix
let client: NodeRedis
let store: RedisStore

beforeAll(async () => {
  shared = await createRedisPrefix('rate-limit-node-redis')
  client = await connectNodeRedis(shared.url)
  store = createRedisStore(client)
})
afterAll(async () => {
  await shared.cleanup()
  await client.close()
})

testRateLimitStore(
  'redis (node-redis client)',
  () => store,
  () => shared.prefix,
)

describe('node-redis on its own server', () => {
  let server: ThrowawayRedis
  let own: NodeRedis
  let admin: Redis
  const opened: { app: ListeningApp; limits: RateLimits }[] = []

  beforeAll(async () => {
    server = await startThrowawayRedis()
    own = await connectNodeRedis(server.url)
    admin = failFastRedis(server.url)
    await waitUntilReady(admin)
  })
  afterEach(async () => {
    for (const { app, limits } of opened.splice(0)) {
      await app.close()
      await limits.close()
    }
  })
  afterAll(async () => {
    await own.close()
    admin.disconnect()
    await server.destroy()
  })

  it.each(FRAMEWORKS)(
    '%s: one EVALSHA per request and limiter, limits shared through Redis',
    async (framework) => {
      const limits = createRateLimits(
        { tiers: { global: { perMinute: 4 } }, bruteForce: false, prefix: `${framework}:` },
        { redis: own, log: new RecordingLogger(), skip: isHealth },
      )
      const app = await startApp(framework, limits)
      opened.push({ app, limits })
      await get(`${app.url}/hello`) // the first call on a fresh server may fall back to EVAL once
      await admin.config('RESETSTAT')
      expect(await statuses(4, () => get(`${app.url}/hello`))).toEqual([200, 200, 200, 429])
      const calls = await commandCalls(admin)
      expect(calls.evalsha).toBe(4)
      expect(calls.eval ?? 0).toBe(0)
      expect(await admin.get(`${framework}:global:127.0.0.1`)).toBe('5')
    },
  )

  it('recovers by itself when the server forgets its scripts', async () => {
    const s = new RedisStore(own)
    await s.hit('flush', 60_000)
    await admin.script('FLUSH')
    await admin.config('RESETSTAT')
    expect((await s.hit('flush', 60_000)).hits).toBe(2)
    const calls = await commandCalls(admin)
    expect([calls.evalsha, calls.eval]).toEqual([1, 1])
    expect(await admin.script('EXISTS', HIT.sha)).toEqual([1])
  })

  it('fails at once, without sending, while the client is not ready', async () => {
    const lonely = await connectNodeRedis(server.url)
    const s = new RedisStore(lonely)
    await server.stop()
    try {
      const deadline = Date.now() + 5000
      while (lonely.isReady && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      const outcome = await Promise.race([
        s.hit('down', 60_000).then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setImmediate(() => resolve('still waiting'))),
      ])
      expect(outcome).toBeInstanceOf(StoreUnavailableError)
    } finally {
      lonely.destroy()
      await server.start()
      await waitUntilReady(admin)
      const readyBy = Date.now() + 10_000
      while (!own.isReady && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 25))
    }
  })
})

it('names both clients when given something else', () => {
  expect(() => createRedisStore({} as never)).toThrow(/ioredis or a node-redis client/)
})
