import fastifyRateLimit from '@fastify/rate-limit'
import { isKitError } from '@kit/internal'
import { type ListeningApp, listenFastify } from '@kit/test-utils'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { kitRateLimit } from '../src/fastify.ts'
import { createRateLimits, type RateLimits } from '../src/index.ts'
import { get, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'

// Issue 22: kit's per-route option lives under its own key (config.kitRateLimit), so
// config.rateLimit keeps @fastify/rate-limit's meaning (and types: this file typechecks with both).

const opened: { app: ListeningApp; limits: RateLimits }[] = []
afterEach(async () => {
  for (const { app, limits } of opened.splice(0)) {
    await app.close()
    await limits.close()
  }
})

async function build(log: RecordingLogger, withUpstream: boolean) {
  const limits = createRateLimits({ tiers: { ai: { perMinute: 3 } }, bruteForce: false }, { log })
  const app = Fastify()
  await app.register(kitRateLimit, { limits })
  if (withUpstream) await app.register(fastifyRateLimit, { global: false })
  return { app, limits }
}

describe('fastify route config', () => {
  it("leaves config.rateLimit to @fastify/rate-limit; kit's tier comes from config.kitRateLimit", async () => {
    const log = new RecordingLogger()
    const { app, limits } = await build(log, true)
    app.get(
      '/both',
      { config: { rateLimit: { max: 2, timeWindow: 60_000 }, kitRateLimit: 'ai' } },
      async () => ({ ok: true }),
    )
    app.get(
      '/upstream-only',
      { config: { rateLimit: { max: 1, timeWindow: 60_000 }, kitRateLimit: false } },
      async () => ({
        ok: true,
      }),
    )
    const listening = await listenFastify(app)
    opened.push({ app: listening, limits })

    const first = await get(`${listening.url}/both`)
    // Both limiters ran: @fastify/rate-limit's own headers (its max of 2) and kit's tier ai (3 per minute).
    expect(first.headers.get('x-ratelimit-limit')).toBe('2')
    expect(first.headers.get('ratelimit-policy')).toBe('"ai";q=3;w=60')
    expect(await statuses(2, () => get(`${listening.url}/both`))).toEqual([200, 429])
    const upstream = await statuses(2, () => get(`${listening.url}/upstream-only`))
    expect(upstream).toEqual([200, 429])
    expect(log.problems()).toEqual([])
  })

  it("refuses kit's old config.rateLimit: 'tier' with the new key", async () => {
    const { app, limits } = await build(new RecordingLogger(), false)
    opened.push({ app: { url: '', close: () => app.close() } as ListeningApp, limits })
    for (const old of ['ai', { tier: 'ai' }]) {
      let error: unknown
      try {
        app.get(`/old-${typeof old}`, { config: { rateLimit: old as never } }, async () => 'x')
      } catch (caught) {
        error = caught
      }
      expect(isKitError(error) && error.code).toBe('KIT_RATE_LIMIT_ROUTE_CONFIG_MOVED')
      expect((error as Error).message).toContain('config: { kitRateLimit: "ai" }')
    }
  })

  it('warns once, when ready, that config.rateLimit does nothing without @fastify/rate-limit', async () => {
    const log = new RecordingLogger()
    const { app, limits } = await build(log, false)
    app.get('/a', { config: { rateLimit: { max: 1, timeWindow: 1000 } } }, async () => 'a')
    app.get('/b', { config: { rateLimit: false } }, async () => 'b')
    const listening = await listenFastify(app)
    opened.push({ app: listening, limits })
    const warnings = log.problems()
    expect(warnings.map((w) => w.fields.code)).toEqual(['KIT_RATE_LIMIT_FOREIGN_ROUTE_CONFIG'])
    expect(warnings[0]!.fields.routes).toEqual(['GET /a', 'GET /b'])
    expect(warnings[0]!.message).toContain('kitRateLimit')
    // The routes still count in kit's tier of their path (global).
    expect((await get(`${listening.url}/a`)).headers.get('ratelimit-policy')).toBe('"global";q=100;w=60')
  })
})
