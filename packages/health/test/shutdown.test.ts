import { Agent, request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createHealth, type Health, type HealthOptions } from '../src/index.ts'
import { eventually, FRAMEWORKS, get, memoryLogger, serve, sleep, type TestApp } from './helpers.ts'

/** A GET on a keep-alive agent, resolving with status, headers and how long it took. */
function keepAliveGet(
  url: string,
  agent: Agent,
  onHeaders?: () => void,
): Promise<{ status: number; connection: string | undefined; ms: number }> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: 10_000 }, (res) => {
      onHeaders?.()
      res.resume()
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          connection: res.headers.connection,
          ms: Date.now() - started,
        }),
      )
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  let app: TestApp | undefined
  let health: Health | undefined
  const exits: number[] = []

  afterEach(async () => {
    await app?.close().catch(() => {})
    health?.close()
    app = undefined
    health = undefined
    exits.length = 0
  })

  async function start(options: HealthOptions = {}, log = memoryLogger()): Promise<TestApp> {
    health = createHealth(
      { systemChecks: false, loadShedding: false, exit: (code) => exits.push(code), ...options },
      { log },
    )
    app = await serve(framework, health)
    health.attach(app.server)
    return app
  }

  describe('readinessDelayMs', () => {
    it('turns readiness 503 at once and keeps serving until the delay has passed', async () => {
      // Long enough for three requests on a busy machine; the connection is closed after the delay.
      const { url } = await start({ readinessDelayMs: 2500 })
      expect((await get(`${url}/health/ready`)).status).toBe(200)
      const started = Date.now()
      const done = health!.shutdown('test')
      expect((await get(`${url}/health/ready`)).status).toBe(503)
      expect((await get(`${url}/health/live`)).status).toBe(200)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
      expect((await done).exitCode).toBe(0)
      expect(Date.now() - started).toBeGreaterThanOrEqual(2400)
      await expect(get(`${url}/api/hello`)).rejects.toThrow()
    })
  })

  describe('drain', () => {
    it('lets a request in flight finish, answered with Connection: close', async () => {
      const { url } = await start()
      const agent = new Agent({ keepAlive: true })
      const inFlight = app!.arrived('slow')
      const slow = keepAliveGet(`${url}/slow?ms=800`, agent)
      await inFlight
      const outcome = await health!.shutdown('test')
      const response = await slow
      expect(response).toMatchObject({ status: 200, connection: 'close' })
      expect(response.ms).toBeGreaterThanOrEqual(750)
      expect(outcome).toMatchObject({ exitCode: 0, timedOut: false })
      expect(exits).toEqual([0])
      agent.destroy()
    })

    it('closes idle keep-alive connections instead of waiting for their timeout', async () => {
      const { url } = await start()
      const agent = new Agent({ keepAlive: true })
      await keepAliveGet(`${url}/api/hello`, agent)
      await keepAliveGet(`${url}/api/hello`, agent)
      const started = Date.now()
      await health!.shutdown('test')
      expect(Date.now() - started).toBeLessThan(3000)
      agent.destroy()
    })

    it('closes a keep-alive connection whose headers went out before the drain, once its response ends', async () => {
      const { url } = await start()
      const agent = new Agent({ keepAlive: true })
      let received!: () => void
      const headersReceived = new Promise<void>((resolve) => {
        received = resolve
      })
      const streaming = keepAliveGet(`${url}/stream?ms=600`, agent, received)
      await headersReceived
      const started = Date.now()
      await health!.shutdown('test')
      // Without closing it, server.close() waits for the keep-alive timeout (5 s on Express, 72 s on Fastify).
      expect(Date.now() - started).toBeLessThan(4000)
      expect(await streaming).toMatchObject({ status: 200, connection: 'keep-alive' })
      agent.destroy()
    })

    it('exits 1 at the deadline when a request outlives it, naming the request', async () => {
      const log = memoryLogger()
      const { url } = await start({ shutdownTimeoutMs: 500 }, log)
      const inFlight = app!.arrived('slow')
      const slow = get(`${url}/slow?ms=3000`).catch((error: Error) => error)
      await inFlight
      const started = Date.now()
      const outcome = await health!.shutdown('test')
      expect(Date.now() - started).toBeLessThan(5000)
      expect(outcome).toMatchObject({ exitCode: 1, timedOut: true })
      expect(exits).toEqual([1])
      const fatal = log.messages('fatal')
      expect(fatal).toHaveLength(1)
      expect(fatal[0]).toMatch(/^shutdown deadline of 500 ms passed while draining 1 server\(s\).*GET \/slow/)
      // The path as received, without its query string, and how long it has run.
      expect(fatal[0]).toMatch(/requests still in flight: GET \/slow \(\d+ ms\)/)
      expect(await slow).toBeInstanceOf(Error)
    })
  })

  describe('hooks', () => {
    it('runs hooks in reverse order of registration and logs each', async () => {
      const log = memoryLogger()
      await start({}, log)
      const order: string[] = []
      for (const name of ['logger', 'sentry', 'database', 'redis']) {
        health!.addShutdownHook({ name, close: async () => void order.push(name) })
      }
      const outcome = await health!.shutdown('test')
      expect(order).toEqual(['redis', 'database', 'sentry', 'logger'])
      expect(outcome.exitCode).toBe(0)
      expect(log.messages('info')).toEqual(
        expect.arrayContaining([
          'graceful shutdown started (test)',
          'shutdown hook "redis" closed',
          'shutdown hook "logger" closed',
        ]),
      )
    })

    it('goes on past a hook that throws or passes its own timeout, and exits 1', async () => {
      const log = memoryLogger()
      await start({}, log)
      const closed: string[] = []
      health!.addShutdownHook({ name: 'first', close: () => void closed.push('first') })
      health!.addShutdownHook({ name: 'slow', timeoutMs: 200, close: () => new Promise(() => {}) })
      health!.addShutdownHook({
        name: 'broken',
        close: () => {
          throw new Error('boom')
        },
      })
      const outcome = await health!.shutdown('test')
      expect(closed).toEqual(['first'])
      expect(outcome).toMatchObject({ exitCode: 1, timedOut: false, failedHooks: ['broken', 'slow'] })
      expect(exits).toEqual([1])
      expect(log.messages('error')).toEqual([
        'shutdown hook "broken" failed: boom',
        'shutdown hook "slow" failed: did not finish within 200 ms',
      ])
    })

    it('exits 1 at the deadline when a hook never resolves, naming the hook', async () => {
      const log = memoryLogger()
      await start({ shutdownTimeoutMs: 600 }, log)
      health!.addShutdownHook({ name: 'never', timeoutMs: 60_000, close: () => new Promise(() => {}) })
      const started = Date.now()
      const outcome = await health!.shutdown('test')
      expect(Date.now() - started).toBeGreaterThanOrEqual(550)
      expect(Date.now() - started).toBeLessThan(5000)
      expect(outcome).toMatchObject({ exitCode: 1, timedOut: true })
      expect(exits).toEqual([1])
      expect(log.messages('fatal')[0]).toMatch(/passed while running shutdown hook "never"/)
    })
  })

  describe('exit', () => {
    it('never exits when exit is false', async () => {
      await start({ exit: false })
      expect((await health!.shutdown('test')).exitCode).toBe(0)
      expect(exits).toEqual([])
    })

    it('does not exit for an instance that was never attached', async () => {
      const detached = createHealth({ systemChecks: false, exit: (code) => exits.push(code) })
      const order: string[] = []
      detached.addShutdownHook({ name: 'db', close: () => void order.push('db') })
      expect((await detached.shutdown()).exitCode).toBe(0)
      expect(order).toEqual(['db'])
      expect(exits).toEqual([])
    })
  })

  describe('shutdown()', () => {
    it('returns the same promise when called twice and keeps readiness 503 after', async () => {
      const { url } = await start({ readinessDelayMs: 300 })
      const first = health!.shutdown('a')
      expect(health!.shutdown('b')).toBe(first)
      expect(health!.state.shuttingDown).toBe(true)
      expect((await get(`${url}/health/ready`)).status).toBe(503)
      await first
      expect(exits).toEqual([0])
    })
  })
})

describe('signals', () => {
  const exits: number[] = []
  afterEach(() => {
    exits.length = 0
  })

  it('starts a graceful shutdown on SIGTERM once attached', async () => {
    const health = createHealth({
      systemChecks: false,
      loadShedding: false,
      exit: (code) => exits.push(code),
    })
    const app = await serve('express', health)
    health.attach(app.server)
    const closed = new Promise<string>((resolve) =>
      health.addShutdownHook({ name: 'db', close: () => resolve('db closed') }),
    )
    process.emit('SIGTERM', 'SIGTERM')
    expect(await closed).toBe('db closed')
    await eventually(async () => exits.length > 0)
    expect(exits).toEqual([0])
    expect(app.server.listening).toBe(false)
  })

  it('exits 1 at once on a second SIGINT during the shutdown', async () => {
    const log = memoryLogger()
    const health = createHealth(
      { systemChecks: false, loadShedding: false, readinessDelayMs: 5000, exit: (code) => exits.push(code) },
      { log },
    )
    const app = await serve('fastify', health)
    health.attach(app.server)
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGTERM', 'SIGTERM')
    process.emit('SIGINT', 'SIGINT')
    expect(exits).toEqual([1])
    expect(log.messages()).toContain('SIGTERM received: graceful shutdown already in progress')
    expect(log.messages('warn')).toContain('second SIGINT during graceful shutdown: exiting now with code 1')
    health.close()
    await app.close()
  })

  it('handles no signal when signals is false', async () => {
    const before = process.listenerCount('SIGTERM')
    const health = createHealth({ systemChecks: false, loadShedding: false, signals: false, exit: false })
    const app = await serve('express', health)
    health.attach(app.server)
    expect(process.listenerCount('SIGTERM')).toBe(before)
    await app.close()
    health.close()
  })

  it('adds one listener per signal however many servers attach, and removes it when they close', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }
    const apps: Awaited<ReturnType<typeof serve>>[] = []
    const healths: ReturnType<typeof createHealth>[] = []
    try {
      for (let i = 0; i < 15; i++) {
        const health = createHealth({ systemChecks: false, loadShedding: false, exit: false })
        const app = await serve(i % 2 ? 'fastify' : 'express', health)
        const requestListeners = app.server.listenerCount('request')
        health.attach(app.server)
        health.attach(app.server)
        expect(app.server.listenerCount('request')).toBe(requestListeners + 1)
        apps.push(app)
        healths.push(health)
      }
      expect(process.listenerCount('SIGTERM')).toBe(before.term + 1)
      expect(process.listenerCount('SIGINT')).toBe(before.int + 1)
      for (const app of apps) await app.close()
      expect(process.listenerCount('SIGTERM')).toBe(before.term)
      expect(process.listenerCount('SIGINT')).toBe(before.int)
      await sleep(10)
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
      for (const health of healths) health.close()
    }
  })

  it('removes its listeners on close() even while servers still run', async () => {
    const before = process.listenerCount('SIGTERM')
    const health = createHealth({ systemChecks: false, loadShedding: false, exit: false })
    const app = await serve('express', health)
    const requestListeners = app.server.listenerCount('request')
    health.attach(app.server)
    health.close()
    expect(process.listenerCount('SIGTERM')).toBe(before)
    expect(app.server.listenerCount('request')).toBe(requestListeners)
    await app.close()
  })
})
