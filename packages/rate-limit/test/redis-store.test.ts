import {
  createRedisPrefix,
  type RedisPrefix,
  startThrowawayRedis,
  type ThrowawayRedis,
} from '@kit/test-utils'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../src/index.ts'
import { createRedisStore, RedisStore } from '../src/stores/redis.ts'
import { HIT } from '../src/stores/redis-scripts.ts'
import { commandCalls, failFastRedis, waitUntilReady } from './helpers/redis.ts'
import { testRateLimitStore } from './helpers/store-conformance.ts'

let shared: RedisPrefix
let client: Redis
let store: RedisStore

beforeAll(async () => {
  shared = await createRedisPrefix('rate-limit-store')
  client = failFastRedis(shared.url)
  await waitUntilReady(client)
  store = createRedisStore(client)
})
afterAll(async () => {
  await shared.cleanup()
  client.disconnect()
})

testRateLimitStore(
  'redis',
  () => store,
  () => shared.prefix,
)

describe('RedisStore on its own server', () => {
  let server: ThrowawayRedis
  let own: Redis
  let admin: Redis

  beforeAll(async () => {
    server = await startThrowawayRedis()
    own = failFastRedis(server.url)
    admin = failFastRedis(server.url)
    await Promise.all([waitUntilReady(own), waitUntilReady(admin)])
  })
  afterAll(async () => {
    own.disconnect()
    admin.disconnect()
    await server.destroy()
  })

  it('makes exactly one round trip (one EVALSHA) per hit, and never SCRIPT LOAD', async () => {
    const s = new RedisStore(own)
    await s.hit('warm', 60_000) // the first call on a fresh server falls back to EVAL once
    await admin.config('RESETSTAT')
    for (let i = 0; i < 20; i++) await s.hit(`k${i % 3}`, 60_000)
    const calls = await commandCalls(admin)
    expect(calls.evalsha).toBe(20)
    expect(calls.eval ?? 0).toBe(0)
    expect(calls.script ?? 0).toBe(0)
  })

  it('recovers by itself when the server forgets its scripts (SCRIPT FLUSH, restart)', async () => {
    const s = new RedisStore(own)
    await s.hit('flush', 60_000)
    await admin.script('FLUSH')
    await admin.config('RESETSTAT')
    expect((await s.hit('flush', 60_000)).hits).toBe(2)
    const calls = await commandCalls(admin)
    expect(calls.evalsha).toBe(1)
    expect(calls.eval).toBe(1)
    // The EVAL cached the script again: the next hit is one EVALSHA.
    expect(await admin.script('EXISTS', HIT.sha)).toEqual([1])
  })

  it('fails at once, without sending, while the client is reconnecting', async () => {
    const lonely = failFastRedis(server.url)
    await waitUntilReady(lonely)
    const s = new RedisStore(lonely)
    await server.stop()
    try {
      const deadline = Date.now() + 5000
      while (lonely.status === 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      // "At once" means before the event loop turns, whatever the machine's load: nothing was sent.
      const outcome = await Promise.race([
        s.hit('down', 60_000).then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setImmediate(() => resolve('still waiting'))),
      ])
      expect(outcome).toBeInstanceOf(StoreUnavailableError)
    } finally {
      lonely.disconnect()
      await server.start()
      await Promise.all([waitUntilReady(own), waitUntilReady(admin)])
    }
  })
})
