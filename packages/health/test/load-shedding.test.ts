import { listenFastify } from '@kit/test-utils'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { kitHealth } from '../src/fastify.ts'
import { createHealth, type Health, type HealthOptions } from '../src/index.ts'
import { eventually, FRAMEWORKS, get, memoryLogger, serve, sleep, type TestApp } from './helpers.ts'

describe.each(FRAMEWORKS)('%s', (framework) => {
  let app: TestApp | undefined
  let health: Health | undefined

  afterEach(async () => {
    await app?.close()
    health?.close()
    app = undefined
    health = undefined
  })

  async function start(options: HealthOptions, log = memoryLogger()): Promise<TestApp> {
    health = createHealth({ systemChecks: false, ...options }, { log })
    health.markStarted()
    app = await serve(framework, health)
    return app
  }

  /** Setting up the app can itself block the loop past a low limit: start from a calm process. */
  async function calm(url: string): Promise<void> {
    await eventually(async () => (await get(`${url}/api/hello`)).status === 200, 30_000)
  }

  describe('maxEventLoopDelayMs', () => {
    it('answers 503 + Retry-After on app routes after the event loop was blocked, while /health/live answers', async () => {
      const log = memoryLogger()
      const { url } = await start(
        { loadShedding: { maxEventLoopDelayMs: 400, sampleIntervalMs: 1000, retryAfterSeconds: 7 } },
        log,
      )
      await calm(url)
      // The blocking request itself is answered; what follows it is shed.
      expect((await get(`${url}/block?ms=1000`)).status).toBe(200)
      const shed = await get(`${url}/api/hello`)
      const live = await get(`${url}/health/live`)
      const ready = await get(`${url}/health/ready`)
      expect(shed.status).toBe(503)
      expect(shed.headers.get('retry-after')).toBe('7')
      expect(await shed.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' })
      expect(live.status).toBe(200)
      expect(ready.status).toBe(503)
      expect((await ready.json()).output).toMatch(/^overloaded: event-loop delay \d+ ms > 400 ms$/)
      expect(log.messages('warn').some((m) => m.startsWith('overloaded (event-loop delay'))).toBe(true)
    })

    it('stops shedding once a whole sample window is back under the limit', async () => {
      const log = memoryLogger()
      const { url } = await start({ loadShedding: { maxEventLoopDelayMs: 400, sampleIntervalMs: 300 } }, log)
      await calm(url)
      await get(`${url}/block?ms=1000`)
      expect((await get(`${url}/api/hello`)).status).toBe(503)
      const deadline = Date.now() + 15_000
      let status = 503
      while (status === 503 && Date.now() < deadline) {
        await sleep(100)
        status = (await get(`${url}/api/hello`)).status
      }
      expect(status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(log.messages('info')).toContain('load back under the limits: no longer shedding requests')
    })
  })

  describe('maxHeapUsedBytes', () => {
    it('sheds app routes and fails readiness when the heap passes the limit', async () => {
      const { url } = await start({ loadShedding: { maxHeapUsedBytes: 1, sampleIntervalMs: 50 } })
      await sleep(300)
      expect((await get(`${url}/api/hello`)).status).toBe(503)
      expect((await get(`${url}/health/live`)).status).toBe(200)
      const ready = await get(`${url}/health/ready`)
      expect(ready.status).toBe(503)
      expect((await ready.json()).output).toMatch(/^overloaded: heap used \d+ MB > 0 MB$/)
    })
  })

  describe('maxRssBytes', () => {
    it('sheds app routes when the resident set passes the limit', async () => {
      const { url } = await start({ loadShedding: { maxRssBytes: 1, sampleIntervalMs: 50 } })
      await sleep(300)
      const res = await get(`${url}/api/hello`)
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('10')
      expect((await (await get(`${url}/health`)).json()).output).toMatch(/^overloaded: RSS \d+ MB > 0 MB$/)
    })
  })

  describe('loadShedding: false', () => {
    it('never sheds, even after the event loop was blocked', async () => {
      const { url } = await start({ loadShedding: false })
      await get(`${url}/block?ms=1200`)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(200)
    })
  })
})

describe('fastify plugin option loadShedding: false', () => {
  it('answers health routes but adds no shedding hook', async () => {
    const health = createHealth({
      systemChecks: false,
      loadShedding: { maxHeapUsedBytes: 1, sampleIntervalMs: 50 },
    })
    health.markStarted()
    const app = Fastify()
    await app.register(kitHealth, { health, loadShedding: false })
    app.get('/api/hello', async () => ({ hello: 'world' }))
    const { url, close } = await listenFastify(app)
    try {
      await sleep(300)
      expect(health.state.overloaded).toBe(true)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(503)
    } finally {
      await close()
      health.close()
    }
  })
})
