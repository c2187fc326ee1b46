import type { ListeningApp } from '@kit/test-utils'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { limit, rateLimits } from '../src/express.ts'
import { createRateLimits, type RateLimitOptions, type RateLimits } from '../src/index.ts'
import { FRAMEWORKS, get, isHealth, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'

const opened: { app: ListeningApp; limits: RateLimits }[] = []
afterEach(async () => {
  for (const { app, limits } of opened.splice(0)) {
    await app.close()
    await limits.close()
  }
})

describe.each(FRAMEWORKS)('%s', (framework) => {
  async function start(options: RateLimitOptions, log = new RecordingLogger(), env = {}) {
    const limits = createRateLimits(options, { log, skip: isHealth, env })
    const app = await startApp(framework, limits)
    opened.push({ app, limits })
    return { url: app.url, log, limits }
  }

  describe('tiers', () => {
    it('answers 429 once a client passes the global limit', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 3 } } })
      expect(await statuses(5, () => get(`${url}/hello`))).toEqual([200, 200, 200, 429, 429])
    })

    it('counts each client separately', async () => {
      // Both clients are 127.0.0.1 here, so a user key tells them apart.
      const { url, log } = await start({
        tiers: { global: { perMinute: 2 } },
        keyBy: (req) => req.headers['x-user'] as string | undefined,
      })
      expect(await statuses(3, () => get(`${url}/hello`, { 'x-user': 'ann' }))).toEqual([200, 200, 429])
      expect(await statuses(2, () => get(`${url}/hello`, { 'x-user': 'bob' }))).toEqual([200, 200])
      expect(log.problems()).toEqual([])
    })

    it('falls back to the IP when keyBy returns nothing', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 2 } }, keyBy: () => undefined })
      expect(await statuses(3, () => get(`${url}/hello`))).toEqual([200, 200, 429])
    })
  })

  describe('routes', () => {
    it('counts a mapped prefix against its own tier, and the rest against global', async () => {
      const { url } = await start({
        tiers: { auth: { perMinute: 2 }, global: { perMinute: 10 } },
        routes: { '/auth': 'auth' },
      })
      expect(await statuses(3, () => get(`${url}/auth/ping`))).toEqual([200, 200, 429])
      expect(await statuses(2, () => get(`${url}/hello`))).toEqual([200, 200])
    })

    it('cannot be skipped by changing the case of the path', async () => {
      const { url } = await start({ tiers: { auth: { perMinute: 2 } }, routes: { '/auth': 'auth' } })
      const codes = await statuses(4, () => get(`${url}/auth/ping`))
      expect(codes.slice(0, 2)).toEqual([200, 200])
      // Express routes /AUTH/ping to the same handler; Fastify answers 404. Neither gets past the auth tier.
      expect(await statuses(1, () => get(`${url}/AUTH/ping`))).toEqual([429])
    })
  })

  describe('per-route override', () => {
    it('applies the tier a route asks for', async () => {
      const { url } = await start({ tiers: { ai: { perMinute: 2 }, global: { perMinute: 10 } } })
      expect(await statuses(3, () => get(`${url}/special`))).toEqual([200, 200, 429])
    })

    it('rejects an unknown tier when the route is defined', async () => {
      const limits = createRateLimits({})
      if (framework === 'express') {
        expect(() => limit(limits, 'aii')).toThrow(/Did you mean `ai`/)
      } else {
        const Fastify = (await import('fastify')).default
        const { kitRateLimit } = await import('../src/fastify.ts')
        const app = Fastify()
        await app.register(kitRateLimit, { limits })
        expect(() => app.get('/x', { config: { kitRateLimit: 'aii' } }, async () => 'x')).toThrow(
          /Did you mean `ai`/,
        )
        await app.close()
      }
      await limits.close()
    })
  })

  describe('headers', () => {
    it('sends IETF draft-8 RateLimit and RateLimit-Policy by default, Retry-After on 429', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 2 } } })
      const first = await get(`${url}/hello`)
      expect(first.headers.get('ratelimit-policy')).toBe('"global";q=2;w=60')
      expect(first.headers.get('ratelimit')).toMatch(/^"global";r=1;t=(59|60)$/)
      expect(first.headers.get('retry-after')).toBeNull()
      await get(`${url}/hello`)
      const refused = await get(`${url}/hello`)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('ratelimit')).toMatch(/^"global";r=0;t=(59|60)$/)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(58)
      expect(refused.headers.get('x-ratelimit-limit')).toBeNull()
    })

    it('sends X-RateLimit-* with headers: legacy', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 2 } }, headers: 'legacy' })
      const res = await get(`${url}/hello`)
      expect(res.headers.get('x-ratelimit-limit')).toBe('2')
      expect(res.headers.get('x-ratelimit-remaining')).toBe('1')
      const reset = Number(res.headers.get('x-ratelimit-reset'))
      expect(reset).toBeGreaterThan(Date.now() / 1000 + 55)
      expect(res.headers.get('ratelimit')).toBeNull()
    })

    it('sends none with headers: false, but still Retry-After on 429', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 1 } }, headers: false })
      const ok = await get(`${url}/hello`)
      expect([...ok.headers.keys()].filter((h) => h.includes('ratelimit'))).toEqual([])
      const refused = await get(`${url}/hello`)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).not.toBeNull()
    })
  })

  describe('responses', () => {
    it('answers JSON with the request id by default', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 1 } } })
      await get(`${url}/hello`)
      const res = await get(`${url}/hello`, { 'x-request-id': 'req-123' })
      expect(res.status).toBe(429)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(res.headers.get('cache-control')).toBe('no-store')
      const body = await res.json()
      expect(body).toEqual({
        error: {
          status: 429,
          title: 'Too Many Requests',
          message: expect.stringMatching(/^Too many requests\. Try again in \d+ seconds\.$/),
          retryAfter: expect.any(Number),
          requestId: 'req-123',
        },
      })
    })

    it('answers an HTML page to a browser, with the request id escaped', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 1 } } })
      await get(`${url}/hello`)
      const res = await get(`${url}/hello`, {
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
        'x-request-id': 'a<b>',
      })
      expect(res.status).toBe(429)
      expect(res.headers.get('content-type')).toContain('text/html')
      const page = await res.text()
      expect(page).toContain('<h1>429 Too Many Requests</h1>')
      expect(page).toContain('a&#60;b&#62;')
    })

    it('prefers JSON when the client lists it first', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 1 } } })
      await get(`${url}/hello`)
      const res = await get(`${url}/hello`, { accept: 'application/json, text/html' })
      expect(res.headers.get('content-type')).toContain('application/json')
    })
  })

  describe('skip', () => {
    it('never limits the health route', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 1 } } })
      expect(await statuses(4, () => get(`${url}/health`))).toEqual([200, 200, 200, 200])
      expect(await statuses(2, () => get(`${url}/hello`))).toEqual([200, 429])
    })
  })

  describe('enabled', () => {
    it('turns every limiter off with RATE_LIMIT_ENABLED=false', async () => {
      const { url } = await start({ tiers: { global: { perMinute: 1 }, ai: { perMinute: 1 } } }, undefined, {
        RATE_LIMIT_ENABLED: 'false',
      })
      expect(await statuses(3, () => get(`${url}/hello`))).toEqual([200, 200, 200])
      expect(await statuses(3, () => get(`${url}/special`))).toEqual([200, 200, 200])
      expect((await get(`${url}/hello`)).headers.get('ratelimit')).toBeNull()
    })
  })

  describe('logging', () => {
    it('logs no warning for a correct setup under traffic (express-rate-limit validations included)', async () => {
      const { url, log } = await start({ tiers: { global: { perMinute: 3 }, ai: { perMinute: 2 } } })
      await statuses(5, () => get(`${url}/hello`))
      await statuses(3, () => get(`${url}/special`))
      expect(log.problems()).toEqual([])
    })
  })
})

describe('express only', () => {
  it('limit() adds a tier to a route on top of the tier of its path, counting each once', async () => {
    const limits = createRateLimits({ tiers: { global: { perMinute: 3 }, ai: { perMinute: 10 } } })
    const app = await startApp('express', limits)
    opened.push({ app, limits })
    const res = await get(`${app.url}/special`)
    expect(res.headers.get('ratelimit-policy')).toBe('"global";q=3;w=60, "ai";q=10;w=60')
    expect(await statuses(3, () => get(`${app.url}/special`))).toEqual([200, 200, 429])
  })

  it('counts a tier once when limit() names the tier the path already maps to', async () => {
    const limits = createRateLimits({ tiers: { ai: { perMinute: 2 } }, routes: { '/special': 'ai' } })
    const app = await startApp('express', limits)
    opened.push({ app, limits })
    expect(await statuses(3, () => get(`${app.url}/special`))).toEqual([200, 200, 429])
  })

  it('explains app.use(rateLimits) without the call', async () => {
    const app = express()
    app.use(rateLimits as never)
    app.use(
      (
        error: Error & { code?: string },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.status(500).json({ code: error.code, message: error.message })
      },
    )
    const { listenExpress } = await import('@kit/test-utils')
    const listening = await listenExpress(app)
    try {
      const body = (await (await get(`${listening.url}/`)).json()) as any
      expect(body.code).toBe('KIT_RATE_LIMIT_NOT_CALLED')
      expect(body.message).toContain('app.use(rateLimits(createRateLimits(options)))')
    } finally {
      await listening.close()
    }
  })
})

describe('fastify only', () => {
  it('takes config.kitRateLimit as { tier } too, and rejects other shapes when the route is added', async () => {
    const Fastify = (await import('fastify')).default
    const { kitRateLimit } = await import('../src/fastify.ts')
    const { listenFastify } = await import('@kit/test-utils')
    const limits = createRateLimits({ tiers: { ai: { perMinute: 1 } } })
    const app = Fastify()
    await app.register(kitRateLimit, { limits })
    app.get('/x', { config: { kitRateLimit: { tier: 'ai' } } }, async () => 'x')
    expect(() => app.get('/y', { config: { kitRateLimit: 5 as never } }, async () => 'y')).toThrow(
      /must be a tier name/,
    )
    const listening = await listenFastify(app)
    opened.push({ app: listening, limits })
    expect(await statuses(2, () => get(`${listening.url}/x`))).toEqual([200, 429])
  })

  // fastify/demo: its own @fastify/rate-limit next to kit's, with per-route { max, timeWindow }
  // and a rate-limited 404 (`preHandler: fastify.rateLimit({ max })`). Start-up must not crash
  // and the app's limiter must count in its own store.
  it("leaves an app's own @fastify/rate-limit its route options and fastify.rateLimit()", async () => {
    const Fastify = (await import('fastify')).default
    const fastifyRateLimit = (await import('@fastify/rate-limit')).default
    const { kitRateLimit } = await import('../src/fastify.ts')
    const { listenFastify } = await import('@kit/test-utils')
    const limits = createRateLimits({ tiers: { global: { perMinute: 100 } } })
    const app = Fastify()
    await app.register(kitRateLimit, { limits })
    await app.register(fastifyRateLimit, { global: false })
    app.put('/update-password', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => 'ok')
    app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 1, timeWindow: 60_000 }) }, (_request, reply) =>
      reply.code(404).send({ message: 'Not Found' }),
    )
    const listening = await listenFastify(app)
    opened.push({ app: listening, limits })
    expect(await statuses(2, () => get(`${listening.url}/missing`))).toEqual([404, 429])
    expect(await statuses(2, () => fetch(`${listening.url}/update-password`, { method: 'PUT' }))).toEqual([
      200, 429,
    ])
  })

  it('exempts a route with config.kitRateLimit: false', async () => {
    const limits = createRateLimits({ tiers: { global: { perMinute: 1 } } })
    const app = await startApp('fastify', limits)
    opened.push({ app, limits })
    expect(await statuses(3, () => get(`${app.url}/free`))).toEqual([200, 200, 200])
    expect((await get(`${app.url}/free`)).headers.get('ratelimit')).toBeNull()
  })

  it('limits requests that match no route (404s) by their path', async () => {
    const limits = createRateLimits({ tiers: { global: { perMinute: 2 } } })
    const app = await startApp('fastify', limits)
    opened.push({ app, limits })
    expect(await statuses(3, () => get(`${app.url}/nothing-here`))).toEqual([404, 404, 429])
  })
})
