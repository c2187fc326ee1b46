import { listenFastify } from '@kit/test-utils'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { kitHealth } from '../src/fastify.ts'
import { createHealth, type Health, type HealthOptions, type LoadSheddingOptions } from '../src/index.ts'
import { busy, eventually, FRAMEWORKS, get, memoryLogger, serve, type TestApp } from './helpers.ts'

/** Sustained overload the way a saturated process sees it: the loop blocked `ms` again and again, until stopped. */
function overload(ms: number): () => void {
  const timer = setInterval(() => busy(ms), 0)
  return () => clearInterval(timer)
}

/** Fast samples and no warm-up, so a test sees a decision in well under a second of sustained overload. */
const QUICK: LoadSheddingOptions = {
  enforce: true,
  warmUpMs: 0,
  sampleIntervalMs: 100,
  sustainedMs: 300,
  maxEventLoopDelayMs: 150,
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  let app: TestApp | undefined
  let health: Health | undefined
  let stopOverload: (() => void) | undefined

  afterEach(async () => {
    stopOverload?.()
    await app?.close()
    health?.close()
    app = undefined
    health = undefined
    stopOverload = undefined
  })

  async function start(
    options: HealthOptions,
    log = memoryLogger(),
    env: { NODE_ENV?: string } = {},
  ): Promise<TestApp> {
    health = createHealth({ systemChecks: false, signals: false, exit: false, ...options }, { log, env })
    app = await serve(framework, health)
    health.attach(app.server)
    return app
  }

  describe('start-up and single blocks (regression: a healthy app answered 503 in its first second)', () => {
    it('never sheds for start-up work done before or right after listen, with the production defaults', async () => {
      const log = memoryLogger()
      // The app's own start-up work, before listen: not measured at all.
      busy(1500)
      const { url } = await start({ loadShedding: { enforce: true } }, log)
      // ...and right after listen: inside the warm-up.
      busy(1500)
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((await get(`${url}/api/hello`)).status)
      expect(statuses).toEqual([200, 200, 200, 200])
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(health!.state.overloaded).toBe(false)
      expect(log.messages('warn')).toEqual([])
    })

    it('never sheds for one long block after the warm-up: only sustained overload counts', async () => {
      const log = memoryLogger()
      const { url } = await start(
        { loadShedding: { ...QUICK, maxEventLoopDelayMs: 1000, sustainedMs: 500 } },
        log,
      )
      expect((await get(`${url}/block?ms=3000`)).status).toBe(200)
      // The block shows in a sample, then enough clean samples follow to have decided.
      await eventually(async () => health!.state.load.eventLoopDelayMs >= 2500, 30_000)
      await eventually(async () => health!.state.load.eventLoopDelayMs < 1000, 30_000)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(log.messages('warn')).toEqual([])
    })
  })

  describe('sustained overload', () => {
    it('answers 503 + Retry-After on app routes while /health/live answers, then recovers', async () => {
      const log = memoryLogger()
      const { url } = await start({ loadShedding: { ...QUICK, retryAfterSeconds: 7 } }, log)
      stopOverload = overload(250)
      await eventually(async () => health!.state.shedding, 30_000)
      const shed = await get(`${url}/api/hello`)
      const live = await get(`${url}/health/live`)
      const ready = await get(`${url}/health/ready`)
      expect(shed.status).toBe(503)
      expect(shed.headers.get('retry-after')).toBe('7')
      // kit's one error shape (docs/reference/error-responses.md), like every other refusal.
      expect(await shed.json()).toMatchObject({
        error: { status: 503, title: 'Service Unavailable', retryAfter: 7 },
      })
      expect(live.status).toBe(200)
      expect(ready.status).toBe(503)
      expect((await ready.json()).output).toBe(
        'overloaded: event-loop delay over 150 ms in 3 samples in a row',
      )
      expect(log.messages('warn')).toContain(
        'overloaded (event-loop delay over 150 ms in 3 samples in a row): shedding requests with 503',
      )

      stopOverload()
      await eventually(async () => (await get(`${url}/api/hello`)).status === 200, 30_000)
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(log.messages('info')).toContain('load back under the limits: no longer shedding requests')
    })

    it('in development only logs what it would shed: requests and readiness keep answering 200', async () => {
      const log = memoryLogger()
      const { enforce: _, ...notEnforced } = QUICK
      const { url } = await start({ loadShedding: notEnforced }, log, { NODE_ENV: 'development' })
      stopOverload = overload(250)
      await eventually(async () => health!.state.overloaded, 30_000)
      expect(health!.state.shedding).toBe(false)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(
        log.messages('warn').some((m) => /would shed requests with 503.*nothing is refused/.test(m)),
      ).toBe(true)
    })
  })

  describe('maxHeapUsedBytes', () => {
    it('sheds app routes and fails readiness when the heap stays over the limit', async () => {
      const { url } = await start({ loadShedding: { ...QUICK, maxHeapUsedBytes: 1, sampleIntervalMs: 50 } })
      await eventually(async () => health!.state.shedding, 30_000)
      expect((await get(`${url}/api/hello`)).status).toBe(503)
      expect((await get(`${url}/health/live`)).status).toBe(200)
      const ready = await get(`${url}/health/ready`)
      expect(ready.status).toBe(503)
      expect((await ready.json()).output).toMatch(/^overloaded: heap used over 0 MB in 6 samples in a row$/)
    })
  })

  describe('maxRssBytes', () => {
    it('sheds app routes when the resident set stays over the limit', async () => {
      const { url } = await start({ loadShedding: { ...QUICK, maxRssBytes: 1, sampleIntervalMs: 50 } })
      await eventually(async () => health!.state.shedding, 30_000)
      const res = await get(`${url}/api/hello`)
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('10')
      expect((await (await get(`${url}/health`)).json()).output).toMatch(/^overloaded: RSS over 0 MB/)
    })
  })

  describe('loadShedding: false', () => {
    it('never sheds, even under sustained overload', async () => {
      const { url } = await start({ loadShedding: false })
      stopOverload = overload(250)
      await get(`${url}/block?ms=1200`)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(health!.state.overloaded).toBe(false)
    })
  })
})

describe('fastify plugin option loadShedding: false', () => {
  it('answers health routes but adds no shedding hook', async () => {
    const health = createHealth({
      systemChecks: false,
      signals: false,
      exit: false,
      loadShedding: { ...QUICK, maxHeapUsedBytes: 1, sampleIntervalMs: 50 },
    })
    const app = Fastify()
    await app.register(kitHealth, { health, loadShedding: false })
    app.get('/api/hello', async () => ({ hello: 'world' }))
    const { url, close } = await listenFastify(app)
    health.attach(app.server)
    try {
      await eventually(async () => health.state.shedding, 30_000)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await get(`${url}/health/ready`)).status).toBe(503)
    } finally {
      await close()
      health.close()
    }
  })
})
