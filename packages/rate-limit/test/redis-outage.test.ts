import { randomBytes } from 'node:crypto'
import { type ListeningApp, startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimits } from '../src/index.ts'
import { FRAMEWORKS, type Framework, get, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'
import { failFastRedis, waitUntilReady } from './helpers/redis.ts'

const STORE_TIMEOUT_MS = 300
// Generous: the bound is 300 ms; two shared cores and a loaded machine get the rest.
const MAX_WAIT_MS = 2000

let server: ThrowawayRedis
beforeAll(async () => {
  server = await startThrowawayRedis()
})
afterAll(async () => {
  await server.destroy()
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await server.start()
})

async function start(
  framework: Framework,
  redis: Redis,
  routes: Record<string, string> = { '/auth': 'auth' },
) {
  const log = new RecordingLogger()
  const limits: RateLimits = createRateLimits(
    {
      tiers: { global: { perMinute: 10_000 }, auth: { perMinute: 3 } },
      routes,
      failClosed: ['auth'],
      storeTimeoutMs: STORE_TIMEOUT_MS,
      prefix: `kit-test:outage:${randomBytes(3).toString('hex')}:`,
    },
    { redis, log },
  )
  const app: ListeningApp = await startApp(framework, limits)
  cleanups.push(
    () => limits.close(),
    () => app.close(),
  )
  return { url: app.url, log, limits }
}

function client(make: (url: string) => Redis): Redis {
  const redis = make(server.url)
  cleanups.push(() => redis.disconnect())
  return redis
}

/** Requests /hello on `lanes` sequential lanes until stopped; records each status and duration. */
function traffic(url: string, lanes = 2) {
  const results: { status: number; ms: number }[] = []
  let running = true
  const loops = Array.from({ length: lanes }, async () => {
    while (running) {
      const started = Date.now()
      let status = 0
      try {
        const res = await get(`${url}/hello`, {}, 10_000)
        await res.arrayBuffer()
        status = res.status
      } catch {
        status = -1
      }
      results.push({ status, ms: Date.now() - started })
    }
  })
  return {
    results,
    async stop() {
      running = false
      await Promise.all(loops)
      return results
    },
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Once Redis is back, the auth tier (3/min) must refuse the 4th request again.
 * Waits (event-driven) until the limiter counts again — a request carries
 * RateLimit headers only when the store answered — so no batch straddles the
 * moment the store comes back.
 */
async function waitForLimit(url: string): Promise<number[]> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const res = await get(`${url}/hello`)
    await res.arrayBuffer()
    if (res.headers.has('ratelimit')) break
    await sleep(100)
  }
  return statuses(4, () => get(`${url}/auth/ping`))
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  it('Redis stopped and restarted under traffic: no request waits past the bound, limits resume', async () => {
    const redis = client(failFastRedis)
    await waitUntilReady(redis)
    const { url, log } = await start(framework, redis)
    expect(await statuses(1, () => get(`${url}/auth/ping`))).toEqual([200])

    const flow = traffic(url)
    await sleep(200)
    await server.stop()
    await sleep(1500)
    // Fail-closed tier: refused with 503 and Retry-After while the store is gone.
    const closed = await get(`${url}/auth/ping`)
    expect(closed.status).toBe(503)
    expect(closed.headers.get('retry-after')).toBe('5')
    expect(((await closed.json()) as any).error.message).toContain('temporarily unavailable')

    await server.start()
    await waitUntilReady(redis)
    await sleep(200)
    const results = await flow.stop()

    // Fail-open tier: every request was answered, none waited past the bound.
    expect(results.length).toBeGreaterThan(10)
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(MAX_WAIT_MS)

    // The restarted server has no counters and no scripts: limits apply again without a restart.
    expect(await waitForLimit(url)).toEqual([200, 200, 200, 429])

    const warnings = log.problems()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toContain('Rate-limit store (redis) is unavailable')
    expect(warnings[0]!.message).toContain('fail-closed tiers (auth)')
    expect(log.entries.filter((e) => e.message.includes('answers again'))).toHaveLength(1)
  })

  it('Redis down at boot: requests pass at once, limits start when Redis arrives', async () => {
    await server.stop()
    const redis = client(failFastRedis)
    const { url } = await start(framework, redis)
    const started = Date.now()
    expect(await statuses(3, () => get(`${url}/hello`))).toEqual([200, 200, 200])
    expect(Date.now() - started).toBeLessThan(3 * MAX_WAIT_MS)
    expect((await get(`${url}/auth/ping`)).status).toBe(503)

    await server.start()
    await waitUntilReady(redis)
    expect(await waitForLimit(url)).toEqual([200, 200, 200, 429])
  })

  it('bounds requests even with a client that has no fail-fast settings', async () => {
    // ioredis defaults: offline queue on, 20 retries per request, no command timeout.
    const redis = client((url) => {
      const r = new Redis(url)
      r.on('error', () => {})
      return r
    })
    await waitUntilReady(redis)
    const { url } = await start(framework, redis)
    await server.stop()
    const flow = traffic(url, 3)
    await sleep(1500)
    const results = await flow.stop()
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(MAX_WAIT_MS)
  })

  it('fails the login limiter closed when auth is fail-closed, and leaves fail-open tiers open', async () => {
    const redis = client(failFastRedis)
    await waitUntilReady(redis)
    // No route maps /auth here: only the failed-login limiter stands between the client and the handler.
    const { url } = await start(framework, redis, {})
    await server.stop()
    const started = Date.now()
    const res = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ann@example.com', password: 'right' }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('5')
    expect((await get(`${url}/hello`)).status).toBe(200)
    expect(Date.now() - started).toBeLessThan(2 * MAX_WAIT_MS)
  })

  it('leaves the Redis client open on close (it belongs to the app)', async () => {
    const redis = client(failFastRedis)
    await waitUntilReady(redis)
    const { limits } = await start(framework, redis)
    await limits.shutdownHook.close()
    expect(redis.status).toBe('ready')
    expect(await redis.ping()).toBe('PONG')
  })
})
