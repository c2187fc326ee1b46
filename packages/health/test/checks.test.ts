import type { AddressInfo } from 'node:net'
import {
  createPostgresDatabase,
  startThrowawayRedis,
  type TestDatabase,
  type ThrowawayRedis,
} from '@kit/test-utils'
import { Redis } from 'ioredis'
import knexFactory, { type Knex } from 'knex'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createHealth,
  dbCheck,
  eventLoopCheck,
  type Health,
  type HealthOptions,
  mailerCheck,
  memoryCheck,
  redisCheck,
} from '../src/index.ts'
import { eventually, FRAMEWORKS, get, serve, sleep, type TestApp } from './helpers.ts'

let database: TestDatabase
let knex: Knex
let throwaway: ThrowawayRedis

beforeAll(async () => {
  database = await createPostgresDatabase('health_checks')
  knex = knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 2 } })
  throwaway = await startThrowawayRedis()
})

afterAll(async () => {
  await knex?.destroy()
  await database?.drop()
  await throwaway?.destroy()
})

describe.each(FRAMEWORKS)('%s', (framework) => {
  let app: TestApp | undefined
  let health: Health | undefined
  const clients: Redis[] = []

  afterEach(async () => {
    await app?.close()
    health?.close()
    for (const client of clients.splice(0)) client.disconnect()
    app = undefined
    health = undefined
  })

  async function start(options: HealthOptions = {}): Promise<TestApp> {
    // No load shedding: on a busy machine it would answer 503 before any check runs.
    health = createHealth({ systemChecks: false, loadShedding: false, ...options })
    health.markStarted()
    app = await serve(framework, health)
    return app
  }

  describe('timeoutMs', () => {
    it('cuts a check that hangs at its timeout and fails readiness', async () => {
      const { url } = await start({
        checks: { stuck: { timeoutMs: 300, check: () => new Promise(() => {}) } },
      })
      const started = Date.now()
      const res = await get(`${url}/health/ready`)
      expect(Date.now() - started).toBeLessThan(5000)
      expect(res.status).toBe(503)
      expect((await res.json()).checks.stuck[0]).toMatchObject({
        status: 'fail',
        output: 'timed out after 300 ms',
      })
    })

    it('runs checks concurrently: all four are running at once', async () => {
      let running = 0
      let most = 0
      const slow = {
        check: async () => {
          most = Math.max(most, ++running)
          await sleep(300)
          running--
        },
      }
      const { url } = await start({ checks: { a: slow, b: slow, c: slow, d: slow } })
      const res = await get(`${url}/health/ready`)
      expect(res.status).toBe(200)
      expect(most).toBe(4)
    })

    it('uses checkTimeoutMs for checks that set none', async () => {
      const { url } = await start({ checkTimeoutMs: 200, checks: { stuck: () => new Promise(() => {}) } })
      const body = await (await get(`${url}/health/ready`)).json()
      expect(body.checks.stuck[0].output).toBe('timed out after 200 ms')
    })
  })

  describe('critical', () => {
    it('turns a failing non-critical check into a 200 warn', async () => {
      const { url } = await start({
        checks: {
          search: {
            critical: false,
            check: () => {
              throw new Error('search is down')
            },
          },
        },
      })
      const res = await get(`${url}/health/ready`)
      expect(res.status).toBe(200)
      const body = await res.json()
      expect(body.status).toBe('warn')
      expect(body.checks.search[0]).toMatchObject({
        status: 'warn',
        output: 'search is down',
        critical: false,
      })
    })

    it('fails readiness with 503 for a critical check resolving { status: "fail" }', async () => {
      const { url } = await start({ checks: { queue: () => ({ status: 'fail', output: 'backlog 10000' }) } })
      const res = await get(`${url}/health/ready`)
      expect(res.status).toBe(503)
      expect((await res.json()).checks.queue[0]).toMatchObject({ status: 'fail', output: 'backlog 10000' })
    })
  })

  describe('cacheForMs', () => {
    it('reuses a result for cacheForMs', async () => {
      let calls = 0
      const { url } = await start({ checks: { counted: { cacheForMs: 60_000, check: () => void calls++ } } })
      for (let i = 0; i < 3; i++) expect((await get(`${url}/health/ready`)).status).toBe(200)
      expect(calls).toBe(1)
    })

    it('shares one run between concurrent probes when nothing is cached', async () => {
      let calls = 0
      // The run lasts long enough for five concurrent requests to arrive even on a busy machine.
      const { url } = await start({
        minCheckIntervalMs: 0,
        checkTimeoutMs: 10_000,
        checks: {
          counted: async () => {
            calls++
            await sleep(1500)
          },
        },
      })
      const responses = await Promise.all(Array.from({ length: 5 }, () => get(`${url}/health/ready`)))
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
      expect(calls).toBe(1)
      await get(`${url}/health/ready`)
      expect(calls).toBe(2)
    })
  })

  describe('minCheckIntervalMs', () => {
    it('runs a check at most once per interval, however many requests arrive (default 1000 ms)', async () => {
      let calls = 0
      const { url } = await start({ checks: { counted: () => void calls++ } })
      for (let i = 0; i < 10; i++) expect((await get(`${url}/health`)).status).toBe(200)
      expect(calls).toBe(1)
    })

    it('runs checks on every request when 0', async () => {
      let calls = 0
      const { url } = await start({ minCheckIntervalMs: 0, checks: { counted: () => void calls++ } })
      for (let i = 0; i < 5; i++) await get(`${url}/health/ready`)
      expect(calls).toBe(5)
    })
  })

  describe('dbCheck', () => {
    it('passes against a real Postgres and reports the response time', async () => {
      const { url } = await start()
      health!.addCheck(dbCheck(knex))
      const res = await get(`${url}/health/ready`)
      expect(res.status).toBe(200)
      expect((await res.json()).checks.db[0]).toMatchObject({ status: 'pass', observedUnit: 'ms' })
    })

    it('fails readiness when the database cannot be reached', async () => {
      const broken = knexFactory({
        client: 'pg',
        connection: `${database.url}_missing`,
        pool: { min: 0, max: 1 },
        acquireConnectionTimeout: 5000,
        // knex prints the acquire error itself; the check's output is what this test reads.
        log: { warn() {}, error() {}, debug() {}, deprecate() {} },
      })
      try {
        const { url } = await start()
        health!.addCheck(dbCheck(broken, { timeoutMs: 1500 }))
        const res = await get(`${url}/health/ready`)
        expect(res.status).toBe(503)
        const output: string = (await res.json()).checks.db[0].output
        expect(output).toMatch(/does not exist|timed out/)
      } finally {
        await broken.destroy()
      }
    })
  })

  describe('redisCheck', () => {
    function client(): Redis {
      const redis = new Redis(throwaway.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 })
      clients.push(redis)
      return redis
    }

    it('makes readiness 503 when a critical Redis stops, and recovers', async () => {
      const { url } = await start()
      health!.addCheck(redisCheck(client(), { timeoutMs: 1000 }))
      await eventually(async () => (await get(`${url}/health/ready`)).status === 200)
      await throwaway.stop()
      try {
        await eventually(async () => (await get(`${url}/health/ready`)).status === 503)
        const body = await (await get(`${url}/health/ready`)).json()
        expect(body.checks.redis[0].status).toBe('fail')
      } finally {
        await throwaway.start()
      }
      await eventually(async () => (await get(`${url}/health/ready`)).status === 200)
    })

    it('only warns when a non-critical Redis stops, and recovers', async () => {
      const { url } = await start()
      health!.addCheck(redisCheck(client(), { critical: false, timeoutMs: 1000 }))
      await eventually(async () => (await (await get(`${url}/health/ready`)).json()).status === 'pass')
      await throwaway.stop()
      try {
        await eventually(async () => (await (await get(`${url}/health/ready`)).json()).status === 'warn')
        expect((await get(`${url}/health/ready`)).status).toBe(200)
      } finally {
        await throwaway.start()
      }
      await eventually(async () => (await (await get(`${url}/health/ready`)).json()).status === 'pass')
    })
  })
})

describe('mailerCheck', () => {
  let smtp: SMTPServer
  let port: number

  beforeAll(async () => {
    smtp = new SMTPServer({ disabledCommands: ['STARTTLS', 'AUTH'], logger: false })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    port = (smtp.server.address() as AddressInfo).port
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
  })

  it('passes when verify() reaches a real SMTP server, and caches for 60 s by default', async () => {
    let verifications = 0
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
    const check = mailerCheck({
      verify: () => {
        verifications++
        return transport.verify()
      },
    })
    expect(check).toMatchObject({ name: 'mailer', critical: false, cacheForMs: 60_000 })
    const health = createHealth({ systemChecks: false, loadShedding: false })
    health.addCheck(check)
    health.markStarted()
    expect((await health.report('ready')).checks?.mailer?.[0]?.status).toBe('pass')
    expect((await health.report('ready')).checks?.mailer?.[0]?.status).toBe('pass')
    expect(verifications).toBe(1)
    transport.close()
    health.close()
  })

  it('warns (non-critical by default) when the SMTP server refuses', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: 1, secure: false })
    const health = createHealth({ systemChecks: false, loadShedding: false })
    health.addCheck(mailerCheck(transport))
    health.markStarted()
    const report = await health.report('ready')
    expect(report.status).toBe('warn')
    expect(report.checks?.mailer?.[0]?.output).toMatch(/ECONNREFUSED/)
    health.close()
  })
})

describe('eventLoopCheck and memoryCheck', () => {
  it('report the event-loop lag and heap in use, passing under their limits', async () => {
    const health = createHealth({ systemChecks: false, loadShedding: false })
    health.addCheck(eventLoopCheck())
    health.addCheck(memoryCheck())
    health.markStarted()
    const report = await health.report('ready')
    expect(report.checks?.eventLoop?.[0]).toMatchObject({ status: 'pass', observedUnit: 'ms' })
    expect(report.checks?.memory?.[0]).toMatchObject({ status: 'pass', observedUnit: 'bytes' })
    expect(report.checks?.memory?.[0]?.observedValue).toBeGreaterThan(0)
    health.close()
  })

  it('warn past their limits (non-critical by default)', async () => {
    const health = createHealth({ systemChecks: false, loadShedding: false })
    health.addCheck(memoryCheck({ maxHeapUsedBytes: 1 }))
    health.addCheck(memoryCheck({ name: 'rss', maxHeapUsedBytes: 0, maxRssBytes: 1, critical: true }))
    health.markStarted()
    const report = await health.report('ready')
    expect(report.checks?.memory?.[0]).toMatchObject({ status: 'warn', critical: false })
    expect(report.checks?.rss?.[0]?.status).toBe('fail')
    expect(report.checks?.rss?.[0]?.output).toMatch(/^RSS \d+ MB > 0 MB$/)
    expect(report.status).toBe('fail')
    health.close()
  })

  it('are added by createHealth unless systemChecks is false', async () => {
    const withChecks = createHealth({ loadShedding: false })
    withChecks.markStarted()
    expect(Object.keys((await withChecks.report('ready')).checks ?? {})).toEqual(['eventLoop', 'memory'])
    withChecks.close()
  })
})
