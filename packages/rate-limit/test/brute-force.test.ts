import { createRedisPrefix, type ListeningApp, type RedisPrefix } from '@kit/test-utils'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type BruteForceOptions, createRateLimits, type RateLimits } from '../src/index.ts'
import { FRAMEWORKS, get, login, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'
import { failFastRedis, waitUntilReady } from './helpers/redis.ts'

let redisPrefix: RedisPrefix
let redis: Redis
beforeAll(async () => {
  redisPrefix = await createRedisPrefix('rate-limit-brute')
  redis = failFastRedis(redisPrefix.url)
  await waitUntilReady(redis)
})
afterAll(async () => {
  await redisPrefix.cleanup()
  redis.disconnect()
})

const opened: { app: ListeningApp; limits: RateLimits }[] = []
afterEach(async () => {
  for (const { app, limits } of opened.splice(0)) {
    await app.close()
    await limits.close()
  }
})

const TRUST_LOOPBACK = { express: 'loopback', fastify: '127.0.0.1' } as const
let run = 0

describe.each(FRAMEWORKS)('%s', (framework) => {
  describe.each(['memory', 'redis'] as const)('failed-login limiter, %s store', (storeName) => {
    async function start(bruteForce: BruteForceOptions, prefix = `${redisPrefix.prefix}${++run}:`) {
      const log = new RecordingLogger()
      const limits = createRateLimits(
        { bruteForce, prefix },
        { log, ...(storeName === 'redis' ? { redis } : {}) },
      )
      const app = await startApp(framework, limits, { trustProxy: TRUST_LOOPBACK[framework] })
      opened.push({ app, limits })
      return { url: app.url, log, prefix }
    }
    const from = (ip: string) => ({ 'x-forwarded-for': ip })

    it('blocks a client after N failed attempts, even with the right password', async () => {
      const { url, log } = await start({ perIp: 3 })
      const wrong = () => login(url, { email: 'ann@example.com', password: 'wrong' }, from('198.51.100.1'))
      expect(await statuses(3, wrong)).toEqual([401, 401, 401])
      const blocked = await login(url, { email: 'ann@example.com', password: 'right' }, from('198.51.100.1'))
      expect(blocked.status).toBe(429)
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(3500)
      expect(((await blocked.json()) as any).error.status).toBe(429)
      expect(log.problems()).toEqual([])
    })

    it('does not block after N successful logins', async () => {
      const { url } = await start({ perIp: 3, perAccount: 3 })
      const right = () => login(url, { email: 'ann@example.com', password: 'right' }, from('198.51.100.2'))
      expect(await statuses(6, right)).toEqual([200, 200, 200, 200, 200, 200])
      expect(
        (await login(url, { email: 'ann@example.com', password: 'wrong' }, from('198.51.100.2'))).status,
      ).toBe(401)
    })

    it('blocks an account guessed at from many IPs, and only that account', async () => {
      const { url } = await start({ perIp: 100, perAccount: 2 })
      const guess = (ip: string) => login(url, { email: 'Ann@Example.com ', password: 'wrong' }, from(ip))
      expect((await guess('198.51.100.10')).status).toBe(401)
      expect((await guess('198.51.100.11')).status).toBe(401)
      const locked = await login(url, { email: 'ann@example.com', password: 'right' }, from('198.51.100.12'))
      expect(locked.status).toBe(429)
      const other = await login(url, { email: 'bob@example.com', password: 'right' }, from('198.51.100.12'))
      expect(other.status).toBe(200)
    })

    it("clears an account's failures when it logs in", async () => {
      const { url } = await start({ perIp: 100, perAccount: 2 })
      const attempt = (password: string) =>
        login(url, { email: 'cy@example.com', password }, from('198.51.100.20'))
      expect((await attempt('wrong')).status).toBe(401)
      expect((await attempt('right')).status).toBe(200)
      // Without the reset, these two would make three failures and the second would be refused.
      expect((await attempt('wrong')).status).toBe(401)
      expect((await attempt('wrong')).status).toBe(401)
      expect((await attempt('right')).status).toBe(429)
    })

    it("never clears the IP's failures on a success", async () => {
      const { url } = await start({ perIp: 3, perAccount: 100 })
      const attempt = (email: string, password: string) =>
        login(url, { email, password }, from('198.51.100.21'))
      expect((await attempt('a@example.com', 'wrong')).status).toBe(401)
      expect((await attempt('b@example.com', 'right')).status).toBe(200)
      expect((await attempt('c@example.com', 'wrong')).status).toBe(401)
      expect((await attempt('d@example.com', 'wrong')).status).toBe(401)
      expect((await attempt('e@example.com', 'right')).status).toBe(429)
    })

    it('lets no more than N guesses through when they arrive all at once', async () => {
      const { url } = await start({ perIp: 3 })
      const burst = await Promise.all(
        Array.from({ length: 12 }, () =>
          login(url, { email: 'dee@example.com', password: 'wrong' }, from('198.51.100.30')),
        ),
      )
      const codes = burst.map((r) => r.status)
      expect(codes.filter((c) => c === 401)).toHaveLength(3)
      expect(codes.filter((c) => c === 429)).toHaveLength(9)
    })

    it('leaves other routes and other methods alone', async () => {
      const { url } = await start({ perIp: 1 })
      expect((await login(url, { password: 'wrong' }, from('198.51.100.40'))).status).toBe(401)
      expect((await login(url, { password: 'wrong' }, from('198.51.100.40'))).status).toBe(429)
      expect(await statuses(3, () => get(`${url}/hello`, from('198.51.100.40')))).toEqual([200, 200, 200])
    })

    if (storeName === 'redis') {
      it('stores account names only as hashes', async () => {
        const { url, prefix } = await start({ perIp: 5 })
        await login(url, { email: 'secret.person@example.com', password: 'wrong' }, from('198.51.100.50'))
        const keys = await redis.keys(`${prefix}*`)
        expect(keys.some((k) => k.startsWith(`${prefix}login/account:`))).toBe(true)
        expect(keys.join(' ')).not.toContain('secret')
      })

      it('shares blocks between instances of the app', async () => {
        const prefix = `${redisPrefix.prefix}${++run}:shared:`
        const a = await start({ perIp: 2 }, prefix)
        const b = await start({ perIp: 2 }, prefix)
        const wrong = (url: string) => login(url, { password: 'wrong' }, from('198.51.100.60'))
        expect((await wrong(a.url)).status).toBe(401)
        expect((await wrong(b.url)).status).toBe(401)
        expect((await wrong(a.url)).status).toBe(429)
        expect((await wrong(b.url)).status).toBe(429)
      })
    }
  })
})
