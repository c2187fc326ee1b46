import { isKitError } from '@kit/internal'
import type { ListeningApp } from '@kit/test-utils'
import { MemoryStore as ErlMemoryStore } from 'express-rate-limit'
import { afterEach, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimitOptions, type RateLimits } from '../src/index.ts'
import { FRAMEWORKS, get, isHealth, login, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'

// Issue 22: an express-rate-limit user's options, per tier, with express-rate-limit's meaning, on both frameworks.

const opened: { app: ListeningApp; limits: RateLimits }[] = []
afterEach(async () => {
  for (const { app, limits } of opened.splice(0)) {
    await app.close()
    await limits.close()
  }
})

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    const limits = fn() as RateLimits | undefined
    void limits?.close()
  } catch (error) {
    if (isKitError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a KitError')
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  async function start(options: RateLimitOptions) {
    const log = new RecordingLogger()
    const limits = createRateLimits({ bruteForce: false, ...options }, { log, skip: isHealth })
    const app = await startApp(framework, limits)
    opened.push({ app, limits })
    return { url: app.url, log }
  }

  it('takes windowMs with limit, and the legacy max', async () => {
    const a = await start({ tiers: { global: { windowMs: 30_000, limit: 2 } } })
    expect(await statuses(3, () => get(`${a.url}/hello`))).toEqual([200, 200, 429])
    const b = await start({ tiers: { global: { windowMs: 30_000, max: 2 } } })
    expect(await statuses(3, () => get(`${b.url}/hello`))).toEqual([200, 200, 429])
  })

  it('keys a tier by its own keyGenerator (sync or async), as the whole key', async () => {
    const { url } = await start({
      tiers: {
        global: { limit: 2, keyGenerator: (req) => String(req.headers['x-api-key']) },
        ai: { limit: 1, keyGenerator: async (req) => `team-${String(req.headers['x-team'])}` },
      },
    })
    expect(await statuses(3, () => get(`${url}/hello`, { 'x-api-key': 'a' }))).toEqual([200, 200, 429])
    expect(await statuses(2, () => get(`${url}/hello`, { 'x-api-key': 'b' }))).toEqual([200, 200])
    // /special counts in ai (its route tier; on Express in global too), keyed by team.
    const special = (team: string) => get(`${url}/special`, { 'x-team': team, 'x-api-key': team })
    expect(await statuses(2, () => special('red'))).toEqual([200, 429])
    expect(await statuses(1, () => special('blue'))).toEqual([200])
  })

  it('takes keyBy per tier, over the global keyBy', async () => {
    const { url } = await start({
      keyBy: (req) => req.headers['x-user'] as string | undefined,
      tiers: { global: { limit: 1 }, ai: { limit: 1, keyBy: (req) => req.headers['x-team'] as string } },
    })
    expect(await statuses(2, () => get(`${url}/hello`, { 'x-user': 'ann', 'x-team': 't' }))).toEqual([
      200, 429,
    ])
    expect(await statuses(1, () => get(`${url}/hello`, { 'x-user': 'bob', 'x-team': 't' }))).toEqual([200])
    // In ai, cat and dan are one team (on Express /special counts in global too: other users).
    expect(await statuses(1, () => get(`${url}/special`, { 'x-user': 'cat', 'x-team': 't' }))).toEqual([200])
    expect(await statuses(1, () => get(`${url}/special`, { 'x-user': 'dan', 'x-team': 't' }))).toEqual([429])
  })

  it('does not count what skip(req, res) skips', async () => {
    const { url } = await start({
      tiers: { global: { limit: 1, skip: async (req) => req.headers['x-internal'] === 'yes' } },
    })
    expect(await statuses(3, () => get(`${url}/hello`, { 'x-internal': 'yes' }))).toEqual([200, 200, 200])
    expect(await statuses(2, () => get(`${url}/hello`))).toEqual([200, 429])
  })

  it('answers with handler(req, res, next, options), req.rateLimit filled in', async () => {
    const { url } = await start({
      tiers: {
        global: {
          limit: 1,
          handler: (req, res, _next, options) => {
            const body = {
              custom: true,
              limit: req.rateLimit.limit,
              used: req.rateLimit.used,
              w: options.windowMs,
            }
            if (framework === 'express') res.status(418).json(body)
            else res.code(418).send(body)
          },
        },
      },
    })
    await get(`${url}/hello`)
    const refused = await get(`${url}/hello`)
    expect(refused.status).toBe(418)
    expect(await refused.json()).toEqual({ custom: true, limit: 1, used: 2, w: 60_000 })
  })

  it('answers with message and statusCode (an object as JSON, a function of the request)', async () => {
    const { url } = await start({
      tiers: { global: { limit: 1, message: { error: 'slow down' }, statusCode: 503 } },
    })
    await get(`${url}/hello`)
    const refused = await get(`${url}/hello`)
    expect(refused.status).toBe(503)
    expect(await refused.json()).toEqual({ error: 'slow down' })
    const other = await start({
      tiers: {
        ai: {
          limit: 1,
          message: (req: { headers: Record<string, string> }) => `no more, ${req.headers['x-user']}`,
        },
      },
    })
    await get(`${other.url}/special`, { 'x-user': 'ann' })
    const text = await get(`${other.url}/special`, { 'x-user': 'ann' })
    expect(text.status).toBe(429)
    expect(text.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await text.text()).toBe('no more, ann')
  })

  it("writes standardHeaders 'draft-7', true (draft-6), 'draft-8' and legacyHeaders per tier", async () => {
    const { url } = await start({
      tiers: {
        global: { limit: 3, standardHeaders: 'draft-7' },
        ai: { limit: 4, standardHeaders: true, legacyHeaders: true },
        auth: { limit: 5, standardHeaders: false },
      },
      routes: { '/auth': 'auth' },
    })
    const seven = (await get(`${url}/hello`)).headers
    expect(seven.get('ratelimit')).toMatch(/^limit=3, remaining=2, reset=(59|60)$/)
    expect(seven.get('ratelimit-policy')).toBe('3;w=60')
    const six = (await get(`${url}/special`)).headers
    expect(six.get('ratelimit-policy')).toBe('4;w=60')
    expect([six.get('ratelimit-limit'), six.get('ratelimit-remaining')]).toEqual(['4', '3'])
    expect(six.get('ratelimit-reset')).toMatch(/^(59|60)$/)
    expect([six.get('x-ratelimit-limit'), six.get('x-ratelimit-remaining')]).toEqual(['4', '3'])
    const none = (await get(`${url}/auth/ping`)).headers
    expect([none.get('ratelimit'), none.get('ratelimit-policy'), none.get('x-ratelimit-limit')]).toEqual([
      null,
      null,
      null,
    ])
  })

  it('gives failed requests back with skipFailedRequests, successful ones with skipSuccessfulRequests', async () => {
    const failed = await start({
      tiers: { auth: { limit: 2, skipFailedRequests: true } },
      routes: { '/auth': 'auth' },
    })
    // Five wrong passwords (401) count nothing; then two successes fill the window.
    expect(await statuses(5, () => login(failed.url, { password: 'wrong' }))).toEqual([
      401, 401, 401, 401, 401,
    ])
    expect(await statuses(3, () => login(failed.url, { password: 'right' }))).toEqual([200, 200, 429])

    const succeeded = await start({
      tiers: { auth: { limit: 2, skipSuccessfulRequests: true } },
      routes: { '/auth': 'auth' },
    })
    expect(await statuses(4, () => login(succeeded.url, { password: 'right' }))).toEqual([200, 200, 200, 200])
    expect(await statuses(3, () => login(succeeded.url, { password: 'wrong' }))).toEqual([401, 401, 429])
  })

  it("counts a tier in its own express-rate-limit store (express-rate-limit's MemoryStore)", async () => {
    const store = new ErlMemoryStore()
    const { url } = await start({ tiers: { ai: { limit: 2, windowMs: 20_000, store } } })
    expect(await statuses(3, () => get(`${url}/special`))).toEqual([200, 200, 429])
    // The store got its window from init() and holds the bare client key, as under express-rate-limit.
    expect(await store.get('127.0.0.1')).toMatchObject({ totalHits: 3 })
    expect(await statuses(1, () => get(`${url}/hello`))).toEqual([200])
  })
})

describe('what kit refuses, with the fix', () => {
  const make = (options: RateLimitOptions, context?: Parameters<typeof createRateLimits>[1]) => () =>
    createRateLimits(options, context)

  it('an unknown tier option, with a did-you-mean among both dialects', () => {
    const error = thrown(make({ tiers: { global: { windowMS: 1000 } as never } }))
    expect(error.code).toBe('KIT_RATE_LIMIT_UNKNOWN_OPTION')
    expect(error.message).toContain('rateLimit.tiers.global.windowMS')
    expect(error.message).toContain('Did you mean `windowMs`?')
    expect(thrown(make({ tiers: { ai: { keyGenrator: () => 'x' } as never } })).message).toContain(
      'Did you mean `keyGenerator`?',
    )
  })

  it('express-rate-limit options kit does not take, each with what to do instead', () => {
    expect(thrown(make({ tiers: { global: { validate: false } as never } })).message).toMatch(
      /validate`.*kit runs its own start-up checks/,
    )
    expect(thrown(make({ tiers: { global: { ipv6Subnet: 64 } as never } })).message).toContain(
      'rateLimit.ipv6Subnet',
    )
    expect(thrown(make({ tiers: { global: { limit: (() => 5) as never } } })).message).toContain(
      'Define one tier per limit',
    )
  })

  it('a tier option at the top level points to the tier', () => {
    const error = thrown(make({ windowMs: 60_000, limit: 10 } as never))
    expect(error.code).toBe('KIT_RATE_LIMIT_UNKNOWN_OPTION')
    expect(error.message).toContain('rateLimit.tiers.global.windowMs')
  })

  it('contradictions: limit with max, perMinute with limit, keyBy with keyGenerator, both skip*Requests, passOnStoreError with failClosed', () => {
    expect(thrown(make({ tiers: { global: { limit: 5, max: 6 } } })).message).toContain('Keep `limit`')
    expect(thrown(make({ tiers: { global: { perMinute: 5, max: 6 } } })).message).toContain(
      '`perMinute` and `max`',
    )
    expect(
      thrown(make({ tiers: { global: { keyBy: () => 'a', keyGenerator: () => 'b' } } })).message,
    ).toContain('both `keyBy`')
    expect(
      thrown(make({ tiers: { global: { skipFailedRequests: true, skipSuccessfulRequests: true } } })).message,
    ).toContain('never refuse')
    expect(
      thrown(make({ tiers: { auth: { passOnStoreError: true } }, failClosed: ['auth'] })).message,
    ).toContain('Keep one')
  })

  it('bad values: standardHeaders, statusCode, a store that is not one, one store for two tiers', () => {
    expect(thrown(make({ tiers: { global: { standardHeaders: 'draft-9' as never } } })).message).toContain(
      "'draft-6', 'draft-7' or 'draft-8'",
    )
    expect(thrown(make({ tiers: { global: { statusCode: 200 } } })).message).toContain('400–599')
    expect(thrown(make({ tiers: { global: { store: {} as never } } })).code).toBe(
      'KIT_RATE_LIMIT_INVALID_STORE',
    )
    const store = new ErlMemoryStore()
    const shared = thrown(make({ tiers: { global: { store }, ai: { store } } }))
    expect(shared.code).toBe('KIT_RATE_LIMIT_STORE_SHARED')
    expect(shared.message).toContain('one store per tier')
  })

  it('an express-rate-limit store given for every tier goes to a tier instead', () => {
    const error = thrown(make({}, { store: new ErlMemoryStore() as never }))
    expect(error.code).toBe('KIT_RATE_LIMIT_INVALID_STORE')
    expect(error.message).toContain('rateLimit.tiers.global.store')
  })
})
