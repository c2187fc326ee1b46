import { once } from 'node:events'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { redisCheck } from '@kit/health'
import { silentLogger } from '@kit/internal'
import { createRedisStore } from '@kit/rate-limit/stores/redis'
import { createRedisPrefix, type RedisPrefix, type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { Redis as Redis5 } from 'ioredis5'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @kit/flags's own subscriber: internal, so imported from its source.
import { subscribeRedis } from '../../flags/src/invalidation/redis.ts'

// Apps on ioredis 5 (most apps today) install kit without ERESOLVE (peer range
// `^5.0.0 || ^6.0.0`) and kit must work with the client they have: kit.redis is
// created from the app's own ioredis, and every API that takes a client gets a v5 one.

const APP = fileURLToPath(new URL('./fixtures/ioredis5-app.ts', import.meta.url))
const IOREDIS5 = dirname(createRequire(import.meta.url).resolve('ioredis5/package.json'))

let shared: RedisPrefix
let client: Redis5

beforeAll(async () => {
  shared = await createRedisPrefix('ioredis5')
  client = new Redis5(shared.url, { maxRetriesPerRequest: 1, commandTimeout: 2000 })
  client.on('error', () => {})
})
afterAll(async () => {
  await shared.cleanup()
  client.disconnect()
})

it('the ioredis5 alias really is ioredis 5', () => {
  expect(createRequire(import.meta.url)('ioredis5/package.json').version).toMatch(/^5\./)
})

describe('APIs that take an ioredis 5 client', () => {
  it('the rate-limit Redis store counts, decrements and resets', async () => {
    const store = createRedisStore(client)
    const key = `${shared.prefix}rl`
    expect((await store.hit(key, 60_000)).hits).toBe(1)
    expect((await store.hit(key, 60_000)).hits).toBe(2)
    await store.decrement([key])
    expect((await store.hit(key, 60_000)).hits).toBe(2)
    await store.reset(key)
    expect((await store.hit(key, 60_000)).hits).toBe(1)
  })

  it('the health check pings it, and reads its connection state', async () => {
    await expect(redisCheck(client).check()).resolves.toBeUndefined()
    const closed = client.duplicate()
    closed.on('error', () => {})
    const ended = once(closed, 'end')
    closed.disconnect()
    await ended
    expect(await redisCheck(closed).check()).toEqual({ status: 'fail', output: 'connection is end' })
  })

  it('flag invalidation subscribes on a duplicate and receives what is published', async () => {
    const channel = `${shared.prefix}flags`
    const received: string[] = []
    const listener = subscribeRedis(
      client as never,
      channel,
      { onMessage: (payload) => received.push(payload), onResync: () => {} },
      silentLogger,
      60_000,
    )
    try {
      // Published until the subscription (made on 'ready') sees one: no fixed wait.
      const deadline = Date.now() + 10_000
      const timer = setInterval(() => void client.publish(channel, 'changed'), 50)
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
      clearInterval(timer)
      expect(received[0]).toBe('changed')
    } finally {
      await listener.close()
    }
  })
})

describe.each(['express', 'fastify'] as const)('kit.redis from the app’s ioredis 5 (%s)', (framework) => {
  let dir: string
  let app: SpawnedProcess
  let url: string
  let version: string

  beforeAll(async () => {
    // The app's node_modules has ioredis 5: kit resolves `ioredis` from the app's folder.
    dir = mkdtempSync(join(tmpdir(), 'kit-ioredis5-'))
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(realpathSync(IOREDIS5), join(dir, 'node_modules', 'ioredis'), 'dir')
    app = spawnTs(APP, [framework], {
      cwd: dir,
      env: { REDIS_URL: shared.url, KIT_TEST_PREFIX: `${shared.prefix}${framework}:` },
    })
    await app.waitFor(/READY \d+ \S+/, 30_000)
    const [, port, seen] = /READY (\d+) (\S+)/.exec(app.stdout())!
    url = `http://127.0.0.1:${port}`
    version = seen!
  })
  afterAll(async () => {
    app?.child.kill('SIGKILL')
    await app?.exited
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs on ioredis 5', () => {
    expect(version).toMatch(/^5\./)
  })

  it('rate limits through Redis: the third request in a minute is a 429', async () => {
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/hello`)).status)
    expect(statuses).toEqual([200, 200, 429])
    const keys = await client.keys(`${shared.prefix}${framework}:*`)
    expect(keys.length).toBeGreaterThan(0)
  })

  it('reports Redis ready in the readiness check', async () => {
    const res = await fetch(`${url}/health/ready`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('redis')
  })
})
