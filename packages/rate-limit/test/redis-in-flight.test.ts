import { randomBytes } from 'node:crypto'
import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimits } from '../src/index.ts'
import { RedisStore } from '../src/stores/redis.ts'
import { FRAMEWORKS, get, startApp } from './helpers/apps.ts'
import { waitUntilReady } from './helpers/redis.ts'

/**
 * Many store calls in flight at once through the store guard's list of
 * pending calls (an InFlightList since the everything-on GC work): each
 * request is counted exactly once and answered once, and when Redis hangs
 * with several calls pending, the sweep fails all of them together (it
 * removes entries while it walks the list) and the guard recovers after.
 */
const STORE_TIMEOUT_MS = 800
const CONCURRENT = 24

let server: ThrowawayRedis
beforeAll(async () => {
  server = await startThrowawayRedis()
})
afterAll(async () => {
  server.resume()
  await server.destroy()
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  server.resume()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function remainingOf(res: Response): Promise<number> {
  await res.arrayBuffer()
  expect(res.status).toBe(200)
  const header = res.headers.get('ratelimit') ?? ''
  const remaining = /r=(\d+)/.exec(header)?.[1] ?? res.headers.get('ratelimit-remaining')
  expect(remaining, `RateLimit headers: ${header}`).toBeDefined()
  return Number(remaining)
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  async function start() {
    // The client's own timeout is far longer than the store bound: only the guard's sweep can answer a hung call.
    const redis = new Redis(server.url, { commandTimeout: 20_000, maxRetriesPerRequest: 1 })
    redis.on('error', () => {})
    cleanups.push(() => redis.disconnect())
    await waitUntilReady(redis)
    const limits = createRateLimits(
      {
        tiers: { global: { perMinute: 1000 } },
        storeTimeoutMs: STORE_TIMEOUT_MS,
        prefix: `kit-test:in-flight:${randomBytes(3).toString('hex')}:`,
      },
      { store: new RedisStore(redis) },
    )
    const app = await startApp(framework, limits)
    cleanups.push(
      () => limits.close(),
      () => app.close(),
    )
    return app.url
  }

  it(`counts ${CONCURRENT} concurrent requests once each, then fails every call pending on a hung Redis together`, async () => {
    const url = await start()
    const remaining = await Promise.all(
      Array.from({ length: CONCURRENT }, () => get(`${url}/hello`).then(remainingOf)),
    )
    // One hit each: the remaining counts are exactly 999 down to 1000 - CONCURRENT, none twice.
    expect(remaining.sort((a, b) => b - a)).toEqual(Array.from({ length: CONCURRENT }, (_, i) => 999 - i))

    server.pause()
    const started = performance.now()
    const during = await Promise.all(
      Array.from({ length: 6 }, () =>
        get(`${url}/hello`).then(async (res) => {
          await res.arrayBuffer()
          return { status: res.status, ms: performance.now() - started }
        }),
      ),
    )
    // Fail-open: all six answered 200 without limit headers, each after the store bound and well before the client's own timeout.
    for (const answer of during) {
      expect(answer.status).toBe(200)
      expect(answer.ms).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 50)
      expect(answer.ms).toBeLessThan(4 * STORE_TIMEOUT_MS + 2000)
    }

    server.resume()
    // The guard's probe finds Redis again; counting resumes where it stopped (the hung calls were queued, then run).
    const deadline = Date.now() + 30_000
    let res = await get(`${url}/hello`)
    await res.clone().arrayBuffer()
    while (
      !res.headers.has('ratelimit') &&
      !res.headers.has('ratelimit-remaining') &&
      Date.now() < deadline
    ) {
      await res.arrayBuffer()
      await new Promise((r) => setTimeout(r, 100))
      res = await get(`${url}/hello`)
    }
    expect(await remainingOf(res)).toBeLessThan(1000 - CONCURRENT)
  })
})
