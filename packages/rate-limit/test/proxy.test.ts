import type { ListeningApp } from '@kit/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimits } from '../src/index.ts'
import { FRAMEWORKS, type Framework, get, startApp, statuses } from './helpers/apps.ts'
import { RecordingLogger } from './helpers/logs.ts'

const opened: { app: ListeningApp; limits: RateLimits }[] = []
afterEach(async () => {
  for (const { app, limits } of opened.splice(0)) {
    await app.close()
    await limits.close()
  }
})

async function start(framework: Framework, trustProxy: unknown, perMinute = 3) {
  const log = new RecordingLogger()
  const limits = createRateLimits({ tiers: { global: { perMinute } } }, { log })
  const app = await startApp(framework, limits, { trustProxy })
  opened.push({ app, limits })
  return { url: app.url, log }
}

// The same proxy setting in each framework's own terms (what core derives from TRUST_PROXY).
const TRUST_ELSEWHERE = { express: '10.0.0.1', fastify: '10.0.0.1' } as const
const TRUST_LOOPBACK = { express: 'loopback', fastify: '127.0.0.1' } as const

describe.each(FRAMEWORKS)('%s', (framework) => {
  describe('spoofed X-Forwarded-For', () => {
    it('does not let a client that is not a trusted proxy pick its key', async () => {
      const { url, log } = await start(framework, TRUST_ELSEWHERE[framework])
      let n = 0
      const codes = await statuses(5, () => get(`${url}/hello`, { 'x-forwarded-for': `198.51.100.${++n}` }))
      expect(codes).toEqual([200, 200, 200, 429, 429])
      expect(log.problems()).toEqual([])
    })

    it('is what a trusted proxy sends: each forwarded client gets its own bucket', async () => {
      const { url, log } = await start(framework, TRUST_LOOPBACK[framework], 2)
      expect(await statuses(3, () => get(`${url}/hello`, { 'x-forwarded-for': '198.51.100.1' }))).toEqual([
        200, 200, 429,
      ])
      expect(await statuses(2, () => get(`${url}/hello`, { 'x-forwarded-for': '198.51.100.2' }))).toEqual([
        200, 200,
      ])
      const body = (await (await get(`${url}/hello`, { 'x-forwarded-for': '198.51.100.3' })).json()) as any
      expect(body.ip).toBe('198.51.100.3')
      expect(log.problems()).toEqual([])
    })
  })

  describe('IPv6 rotation', () => {
    it('keeps rotating addresses inside one /64 in one bucket', async () => {
      const { url, log } = await start(framework, TRUST_LOOPBACK[framework])
      let n = 0
      const codes = await statuses(5, () =>
        get(`${url}/hello`, { 'x-forwarded-for': `2001:db8:abcd:12::${(++n).toString(16)}:${n * 7}` }),
      )
      expect(codes).toEqual([200, 200, 200, 429, 429])
      expect(log.problems()).toEqual([])
    })

    it('groups by /56 (the default): another /64 of the same /56 shares the bucket, another /56 does not', async () => {
      const { url } = await start(framework, TRUST_LOOPBACK[framework], 2)
      expect(
        await statuses(1, () => get(`${url}/hello`, { 'x-forwarded-for': '2001:db8:abcd:1200::1' })),
      ).toEqual([200])
      expect(
        await statuses(2, () => get(`${url}/hello`, { 'x-forwarded-for': '2001:db8:abcd:12ff::1' })),
      ).toEqual([200, 429])
      expect(
        await statuses(1, () => get(`${url}/hello`, { 'x-forwarded-for': '2001:db8:abcd:1300::1' })),
      ).toEqual([200])
    })
  })

  describe('misconfiguration warnings', () => {
    it('warns (through our logger) when the app trusts every proxy', async () => {
      const { url, log } = await start(framework, true)
      await get(`${url}/hello`, { 'x-forwarded-for': '198.51.100.1' })
      const warnings = log.problems()
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.fields.module).toBe('rate-limit')
      expect(warnings[0]!.fields.code).toBe('KIT_RATE_LIMIT_PERMISSIVE_TRUST_PROXY')
    })

    it('warns once when X-Forwarded-For arrives while no proxy is trusted', async () => {
      const { url, log } = await start(framework, false)
      await statuses(3, () => get(`${url}/hello`, { 'x-forwarded-for': '198.51.100.1' }))
      const warnings = log.problems()
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.fields.code).toBe('KIT_RATE_LIMIT_UNTRUSTED_FORWARDED_FOR')
    })
  })
})

describe('fastify only', () => {
  it('warns that a numeric trustProxy is ignored by Fastify (every client would share a bucket)', async () => {
    const { log } = await start('fastify', 1)
    expect(log.problems().map((e) => e.fields.code)).toEqual(['KIT_RATE_LIMIT_NUMERIC_TRUST_PROXY'])
  })
})
