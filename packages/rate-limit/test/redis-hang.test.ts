import { randomBytes } from 'node:crypto'
import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimitStore } from '../src/index.ts'
import { RedisStore } from '../src/stores/redis.ts'
import { FRAMEWORKS, login, startApp } from './helpers/apps.ts'
import { waitUntilReady } from './helpers/redis.ts'

/**
 * Regression (issue 19): with Redis hung (SIGSTOP: sockets open, ioredis
 * still 'ready', no answers), a login waited storeTimeoutMs twice — once in
 * the auth tier, once in the failed-login limiter — and every request paid
 * the wait for the whole outage.
 */
const STORE_TIMEOUT_MS = 1500

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

/** The Redis store, recording which calls reach it. */
function recordingStore(redis: Redis): { store: RateLimitStore; calls: string[] } {
  const inner = new RedisStore(redis)
  const calls: string[] = []
  const record = <T>(name: string, call: () => T): T => {
    calls.push(name)
    return call()
  }
  const store: RateLimitStore = {
    name: inner.name,
    shared: inner.shared,
    hit: (key, windowMs) => record('hit', () => inner.hit(key, windowMs)),
    countAttempt: (keys, windowMs, thresholds, blockMs) =>
      record('countAttempt', () => inner.countAttempt(keys, windowMs, thresholds, blockMs)),
    decrement: (keys) => record('decrement', () => inner.decrement(keys)),
    reset: (key) => record('reset', () => inner.reset(key)),
    ping: () => record('ping', () => inner.ping()),
    close: () => inner.close(),
  }
  return { store, calls }
}

async function timedLogin(url: string): Promise<{ status: number; ms: number; limited: boolean }> {
  const started = performance.now()
  const res = await login(url, { email: 'ann@example.com', password: 'right' })
  await res.arrayBuffer()
  const limited = res.headers.has('ratelimit') || res.headers.has('ratelimit-policy')
  return { status: res.status, ms: performance.now() - started, limited }
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  async function start(failClosed: string[] = []) {
    // A client whose own command timeout is far longer: only the store bound can be what answers.
    const redis = new Redis(server.url, { commandTimeout: 20_000, maxRetriesPerRequest: 1 })
    redis.on('error', () => {})
    cleanups.push(() => redis.disconnect())
    await waitUntilReady(redis)
    const { store, calls } = recordingStore(redis)
    const limits = createRateLimits(
      {
        tiers: { auth: { perMinute: 1000 } },
        routes: { '/auth': 'auth' },
        failClosed,
        storeTimeoutMs: STORE_TIMEOUT_MS,
        prefix: `kit-test:hang:${randomBytes(3).toString('hex')}:`,
      },
      { store },
    )
    const app = await startApp(framework, limits)
    cleanups.push(
      () => limits.close(),
      () => app.close(),
    )
    return { url: app.url, calls }
  }

  it('a login waits for a hung Redis once, later requests not at all, and limits resume after SIGCONT', async () => {
    const { url, calls } = await start()
    expect(await timedLogin(url)).toMatchObject({ status: 200, limited: true })
    expect(calls).toContain('countAttempt')

    server.pause()
    calls.length = 0
    const first = await timedLogin(url)
    expect(first.status).toBe(200)
    // One store call was sent (the auth tier's); the failed-login limiter did not wait in turn.
    expect(calls.filter((c) => c !== 'ping')).toEqual(['hit'])
    expect(first.ms).toBeGreaterThanOrEqual(STORE_TIMEOUT_MS - 50)
    expect(first.ms).toBeLessThan(2 * STORE_TIMEOUT_MS)

    // The outage is known: nothing but the probe is sent to the store, and nobody waits for it.
    const sent = calls.length
    const later: number[] = []
    for (let i = 0; i < 3; i++) {
      const next = await timedLogin(url)
      expect(next.status).toBe(200)
      expect(next.ms).toBeLessThan(STORE_TIMEOUT_MS)
      later.push(Math.round(next.ms))
    }
    console.log(
      `${framework}: storeTimeoutMs ${STORE_TIMEOUT_MS}; first login during SIGSTOP ${Math.round(first.ms)} ms, then ${later.join(', ')} ms`,
    )
    expect(calls.slice(sent).filter((c) => c !== 'ping')).toEqual([])

    server.resume()
    const deadline = Date.now() + 30_000
    let answer = await timedLogin(url)
    while (!answer.limited && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      answer = await timedLogin(url)
    }
    expect(answer).toMatchObject({ status: 200, limited: true })
    expect(calls).toContain('ping')
    expect(calls).toContain('countAttempt')
  })

  it('with auth fail-closed: one wait, then 503 + Retry-After at once while Redis hangs', async () => {
    const { url } = await start(['auth'])
    expect((await timedLogin(url)).status).toBe(200)
    server.pause()
    const first = await timedLogin(url)
    expect(first.status).toBe(503)
    expect(first.ms).toBeLessThan(2 * STORE_TIMEOUT_MS)
    const next = await timedLogin(url)
    expect(next.status).toBe(503)
    expect(next.ms).toBeLessThan(STORE_TIMEOUT_MS)
  })
})
