import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createHealth, type Health, type HealthOptions } from '../src/index.ts'
import { FRAMEWORKS, get, serve, type TestApp } from './helpers.ts'

const TOKEN = 'health-token-0123456789abcdef'

describe.each(FRAMEWORKS)('%s', (framework) => {
  let app: TestApp | undefined
  let health: Health | undefined

  afterEach(async () => {
    await app?.close()
    health?.close()
    app = undefined
    health = undefined
  })

  async function start(options: HealthOptions = {}, started = true): Promise<TestApp> {
    // No load shedding: on a busy machine it would turn readiness 503.
    health = createHealth({ systemChecks: false, loadShedding: false, ...options })
    if (started) health.markStarted()
    app = await serve(framework, health)
    return app
  }

  describe('paths', () => {
    it('answers /health/live with 200 and an application/health+json pass', async () => {
      const { url } = await start()
      const res = await get(`${url}/health/live`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/health\+json/)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.json()).toMatchObject({ status: 'pass' })
    })

    it('answers /health/ready and its /up alias with 200 once started', async () => {
      const { url } = await start()
      for (const path of ['/health/ready', '/up']) {
        const res = await get(`${url}${path}`)
        expect(res.status, path).toBe(200)
        expect((await res.json()).status).toBe('pass')
      }
    })

    it('answers /health with a summary: uptime, startup, event loop and memory', async () => {
      const { url } = await start()
      const body = await (await get(`${url}/health`)).json()
      expect(body.status).toBe('pass')
      expect(Object.keys(body.checks)).toEqual(
        expect.arrayContaining(['uptime', 'startup', 'eventLoop:delay', 'memory:rss']),
      )
      expect(body.checks.uptime[0]).toMatchObject({
        componentType: 'system',
        observedUnit: 's',
        status: 'pass',
      })
      expect(Date.parse(body.checks.uptime[0].time)).not.toBeNaN()
    })

    it('tolerates a query string, upper case and a trailing slash', async () => {
      const { url } = await start()
      for (const path of ['/health/live?probe=k8s', '/HEALTH/Ready', '/health/ready/', '/UP?x=1']) {
        const res = await get(`${url}${path}`)
        expect(res.status, path).toBe(200)
        expect(res.headers.get('content-type'), path).toMatch(/^application\/health\+json/)
      }
    })

    it('answers HEAD with the status and no body', async () => {
      const { url } = await start({}, false)
      const res = await get(`${url}/health/ready`, { method: 'HEAD' })
      expect(res.status).toBe(503)
      expect(await res.text()).toBe('')
    })

    it('leaves other methods and other paths to the app', async () => {
      const { url } = await start()
      expect((await get(`${url}/health/ready`, { method: 'POST' })).status).toBe(404)
      expect((await get(`${url}/health/livez`)).status).toBe(404)
      expect((await get(`${url}/api/hello`)).status).toBe(200)
    })

    it('serves custom paths and can turn /up off', async () => {
      const { url } = await start({
        paths: { live: '/livez', ready: '/readyz', summary: '/status', up: false },
      })
      expect((await get(`${url}/livez`)).status).toBe(200)
      expect((await get(`${url}/readyz`)).status).toBe(200)
      expect((await get(`${url}/status`)).status).toBe(200)
      expect((await get(`${url}/up`)).status).toBe(404)
      expect((await get(`${url}/health/live`)).status).toBe(404)
    })
  })

  describe('startup', () => {
    it('keeps readiness 503 until markStarted() while liveness is 200', async () => {
      const { url } = await start({}, false)
      const ready = await get(`${url}/health/ready`)
      expect(ready.status).toBe(503)
      expect(await ready.json()).toMatchObject({ status: 'fail', output: 'server not started' })
      expect((await get(`${url}/health/live`)).status).toBe(200)
      health!.markStarted()
      expect((await get(`${url}/health/ready`)).status).toBe(200)
    })

    it('keeps readiness 503 until every waitFor() task has resolved', async () => {
      const { url } = await start()
      let finish!: () => void
      health!.waitFor('migrations', new Promise<void>((resolve) => (finish = resolve)))
      health!.waitFor(Promise.resolve())
      const before = await get(`${url}/health/ready`)
      expect(before.status).toBe(503)
      expect((await before.json()).output).toBe('waiting for: migrations')
      finish()
      await new Promise((resolve) => setImmediate(resolve))
      expect((await get(`${url}/health/ready`)).status).toBe(200)
    })

    it('stays 503 for good when a startup task fails, naming it', async () => {
      const { url } = await start()
      health!.waitFor('db', Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')))
      await new Promise((resolve) => setImmediate(resolve))
      const res = await get(`${url}/health/ready`)
      expect(res.status).toBe(503)
      expect((await res.json()).output).toBe('startup failed: db (connect ECONNREFUSED 127.0.0.1:1)')
    })
  })

  describe('trustPrivateNetwork', () => {
    it('shows details to requests from 127.0.0.1 by default', async () => {
      const { url } = await start({ checks: { cache: () => ({ observedValue: 3, observedUnit: 'items' }) } })
      const body = await (await get(`${url}/health/ready`)).json()
      expect(body.checks.cache[0]).toMatchObject({ status: 'pass', observedValue: 3, observedUnit: 'items' })
    })

    it('hides details when turned off and no token is given', async () => {
      const { url } = await start({ trustPrivateNetwork: false, checks: { cache: () => {} } })
      const res = await get(`${url}/health/ready`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('{"status":"pass"}')
      expect(await (await get(`${url}/health/live`)).text()).toBe('{"status":"pass"}')
    })

    it('hides details from a private address that forwards a public client', async () => {
      const { url } = await start({ checks: { cache: () => {} } })
      for (const headers of [
        { 'x-forwarded-for': '203.0.113.9' } as Record<string, string>,
        { 'x-forwarded-for': '10.0.0.1, 203.0.113.9' },
        { forwarded: 'for=203.0.113.9;proto=https' },
      ]) {
        expect(await (await get(`${url}/health/ready`, { headers })).text()).toBe('{"status":"pass"}')
      }
      const internal = await get(`${url}/health/ready`, { headers: { 'x-forwarded-for': '10.1.2.3:5555' } })
      expect((await internal.json()).checks).toBeDefined()
    })
  })

  describe('token', () => {
    it('shows details to a request with the token as a bearer or X-Health-Token', async () => {
      const { url } = await start({ trustPrivateNetwork: false, token: TOKEN, checks: { cache: () => {} } })
      for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { 'x-health-token': TOKEN }] as Record<
        string,
        string
      >[]) {
        const body = await (await get(`${url}/health/ready`, { headers })).json()
        expect(body.checks.cache[0].status).toBe('pass')
      }
    })

    it('hides details for a wrong or missing token', async () => {
      const { url } = await start({ trustPrivateNetwork: false, token: TOKEN, checks: { cache: () => {} } })
      for (const headers of [
        { authorization: 'Bearer nope' },
        { 'x-health-token': `${TOKEN}x` },
        {},
      ] as Record<string, string>[]) {
        expect(await (await get(`${url}/health/ready`, { headers })).text()).toBe('{"status":"pass"}')
      }
    })

    it('reads KIT_HEALTH_TOKEN from env', async () => {
      health = createHealth(
        { systemChecks: false, loadShedding: false, trustPrivateNetwork: false },
        { env: { KIT_HEALTH_TOKEN: TOKEN } },
      )
      health.markStarted()
      app = await serve(framework, health)
      const body = await (await get(`${app.url}/health`, { headers: { 'x-health-token': TOKEN } })).json()
      expect(body.checks.uptime).toBeDefined()
    })

    it('never shows a secret or a stack trace, even with details', async () => {
      const { url } = await start({
        checks: {
          db: () => {
            throw new Error(
              'connect to postgres://app:hunter2secret@db.internal:5432/app failed\n    at x.js:1',
            )
          },
        },
      })
      const text = await (await get(`${url}/health/ready`)).text()
      expect(text).not.toContain('hunter2secret')
      expect(text).not.toContain('at x.js')
      expect(JSON.parse(text).checks.db[0].output).toBe(
        'connect to postgres://app:[REDACTED]@db.internal:5432/app failed',
      )
    })
  })

  describe('version, releaseId, serviceId, description', () => {
    it('adds the IETF identification fields to detailed responses only', async () => {
      const { url } = await start({
        version: '1',
        releaseId: 'v42',
        serviceId: 'web',
        description: 'shop',
        trustPrivateNetwork: false,
        token: TOKEN,
      })
      const detailed = await (await get(`${url}/health`, { headers: { 'x-health-token': TOKEN } })).json()
      expect(detailed).toMatchObject({
        version: '1',
        releaseId: 'v42',
        serviceId: 'web',
        description: 'shop',
      })
      expect(await (await get(`${url}/health`)).text()).toBe('{"status":"pass"}')
    })
  })
})

describe('isHealthPath', () => {
  const health = createHealth({ systemChecks: false, loadShedding: false })
  const req = (method: string, url: string) => ({ method, url }) as IncomingMessage

  it('matches GET and HEAD to every health path, whatever the case, query or trailing slash', () => {
    for (const url of ['/health', '/health/live', '/Health/Ready/', '/up?x=1', '/health/live#a']) {
      expect(health.isHealthPath(req('GET', url)), url).toBe(true)
    }
    expect(health.isHealthPath(req('HEAD', '/up'))).toBe(true)
  })

  it('does not match other methods or look-alike paths', () => {
    expect(health.isHealthPath(req('POST', '/health'))).toBe(false)
    for (const url of ['/', '/healthz', '/health/live/x', '/api/health', '/upload', '']) {
      expect(health.isHealthPath(req('GET', url)), url).toBe(false)
    }
  })

  it('prefers Express originalUrl over a mount-rewritten url', () => {
    const rewritten = {
      method: 'GET',
      url: '/live',
      originalUrl: '/health/live',
    } as unknown as IncomingMessage
    expect(health.isHealthPath(rewritten)).toBe(true)
  })

  it('works as a detached function (passed as skip)', () => {
    const skip = health.isHealthPath
    expect(skip(req('GET', '/up'))).toBe(true)
  })
})
