import { request } from 'node:http'
import { type ListeningApp, listenExpress } from '@kit/test-utils'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { metricsMiddleware } from '../src/express.ts'
import { createMetrics, type Metrics, type MetricsOptions } from '../src/index.ts'
import { FRAMEWORKS, hit, memoryLogger, samples, serve, value } from './helpers.ts'

const REQUESTS = 'http_requests_total'
const DURATION = 'http_request_duration_seconds'

for (const framework of FRAMEWORKS) {
  describe(`request metrics on ${framework}`, () => {
    let app: ListeningApp | undefined
    let metrics: Metrics | undefined

    afterEach(async () => {
      await app?.close()
      await metrics?.close()
      app = undefined
      metrics = undefined
    })

    async function start(options: MetricsOptions = {}, context: Parameters<typeof createMetrics>[1] = {}) {
      metrics = createMetrics({ alerts: false, processMetrics: false, ...options }, { env: {}, ...context })
      app = await serve(framework, metrics)
      return { metrics, base: app.url }
    }

    it('keeps /users/:id one series under 1,000 distinct ids', async () => {
      const { metrics, base } = await start()
      const statuses = await hit(base, (i) => `/users/${i}?page=${i % 7}`, 1000, 16)
      expect(statuses.every((s) => s === 200)).toBe(true)
      const text = await metrics.metrics()
      expect(samples(text, REQUESTS)).toHaveLength(1)
      expect(value(text, REQUESTS, 'route="/users/:id"', 'method="GET"', 'status_class="2xx"')).toBe(1000)
      expect(value(text, `${DURATION}_count`, 'route="/users/:id"')).toBe(1000)
      expect(text).not.toMatch(/route="\/users\/\d/)
    })

    it('counts every unmatched URL in one series', async () => {
      const { metrics, base } = await start()
      await hit(base, (i) => `/scanner/${i}/wp-login.php`, 50)
      const text = await metrics.metrics()
      expect(samples(text, REQUESTS)).toEqual([expect.stringContaining('route="unmatched"')])
      expect(value(text, REQUESTS, 'route="unmatched"', 'status_class="4xx"')).toBe(50)
    })

    it('joins the mount path and the route template, also when the route fails', async () => {
      const { metrics, base } = await start()
      await hit(base, (i) => `/api/items/${i}`, 5)
      await hit(base, (i) => `/api/fail/${i}`, 3)
      const text = await metrics.metrics()
      expect(value(text, REQUESTS, 'route="/api/items/:id"', 'status_class="2xx"')).toBe(5)
      expect(value(text, REQUESTS, 'route="/api/fail/:id"', 'status_class="5xx"')).toBe(3)
    })

    it('labels status classes and histogram buckets', async () => {
      const { metrics, base } = await start({ durationBuckets: [0.05, 1] })
      await hit(base, () => '/boom', 2)
      await hit(base, () => '/slow?ms=120', 1)
      const text = await metrics.metrics()
      expect(value(text, REQUESTS, 'route="/boom"', 'status_class="5xx"')).toBe(2)
      expect(value(text, `${DURATION}_bucket`, 'route="/slow"', 'le="0.05"')).toBe(0)
      expect(value(text, `${DURATION}_bucket`, 'route="/slow"', 'le="1"')).toBe(1)
      expect(value(text, `${DURATION}_bucket`, 'route="/slow"', 'le="+Inf"')).toBe(1)
      expect(value(text, `${DURATION}_sum`, 'route="/slow"')).toBeGreaterThanOrEqual(0.1)
    })

    it('shows requests in flight and returns to zero', async () => {
      const { metrics, base } = await start()
      // Long enough to be seen in flight on a busy machine; polled, not slept for.
      const slow = fetch(`${base}/slow?ms=3000`)
      await expect
        .poll(async () => value(await metrics.metrics(), 'http_requests_in_flight'), { timeout: 10_000 })
        .toBe(1)
      await (await slow).text()
      await expect
        .poll(async () => value(await metrics.metrics(), 'http_requests_in_flight'), { timeout: 5000 })
        .toBe(0)
    })

    it('counts a request whose client went away as aborted, and not in flight', async () => {
      const { metrics, base } = await start()
      const client = request(`${base}/slow?ms=1500`)
      client.on('error', () => {})
      client.end()
      await expect.poll(async () => value(await metrics.metrics(), 'http_requests_in_flight')).toBe(1)
      client.destroy()
      await expect.poll(() => metrics.metrics(), { timeout: 5000 }).toContain('status_class="aborted"')
      const text = await metrics.metrics()
      expect(value(text, REQUESTS, 'route="/slow"', 'status_class="aborted"')).toBe(1)
      expect(value(text, 'http_requests_in_flight')).toBe(0)
    })

    it('does not record its own endpoint or requests the context skips', async () => {
      const { metrics, base } = await start({}, { skip: (req) => req.url === '/hello' })
      await hit(base, () => '/hello', 3)
      await hit(base, () => '/metrics', 3)
      await hit(base, () => '/users/1', 1)
      const text = await metrics.metrics()
      expect(samples(text, REQUESTS)).toEqual([expect.stringContaining('route="/users/:id"')])
    })

    it('maps unusual methods to OTHER and keeps HEAD apart', async () => {
      const { metrics, base } = await start()
      await fetch(`${base}/users/1`, { method: 'HEAD' })
      await fetch(`${base}/users/1`, { method: 'PROPFIND' })
      const text = await metrics.metrics()
      expect(value(text, REQUESTS, 'method="HEAD"', 'route="/users/:id"')).toBe(1)
      expect(samples(text, REQUESTS, 'method="OTHER"')).toHaveLength(1)
      expect(samples(text, REQUESTS, 'PROPFIND')).toHaveLength(0)
    })

    it('counts 429s by the tier the RateLimit header names', async () => {
      const { metrics, base } = await start()
      await hit(base, () => '/limited', 3)
      metrics.recordRateLimited('ai')
      const text = await metrics.metrics()
      expect(value(text, 'rate_limit_rejections_total', 'tier="auth"')).toBe(3)
      expect(value(text, 'rate_limit_rejections_total', 'tier="ai"')).toBe(1)
      expect(samples(text, 'rate_limit_rejections_total', 'tier="global"')).toHaveLength(0)
    })

    describe('option maxRoutes', () => {
      it('counts routes past the limit as "other" and warns once', async () => {
        const log = memoryLogger()
        const { metrics, base } = await start({ maxRoutes: 2 }, { log })
        await hit(base, () => '/hello', 1)
        await hit(base, () => '/users/1', 1)
        await hit(base, () => '/boom', 1)
        await hit(base, () => '/api/items/1', 1)
        const text = await metrics.metrics()
        expect(value(text, REQUESTS, 'route="other"', 'status_class="5xx"')).toBe(1)
        expect(value(text, REQUESTS, 'route="other"', 'status_class="2xx"')).toBe(1)
        const warnings = log.lines.filter((l) => l.level === 'warn' && l.message.includes('maxRoutes'))
        expect(warnings).toHaveLength(1)
      })
    })

    describe('option routeLabel', () => {
      it('uses the label it returns, and the template when it returns nothing', async () => {
        const { metrics, base } = await start({
          routeLabel: (req: { url?: string }) => (req.url?.startsWith('/boom') ? '/custom' : undefined),
        })
        await hit(base, () => '/boom', 1)
        await hit(base, () => '/users/7', 1)
        const text = await metrics.metrics()
        expect(value(text, REQUESTS, 'route="/custom"')).toBe(1)
        expect(value(text, REQUESTS, 'route="/users/:id"')).toBe(1)
      })
    })

    describe('option enabled', () => {
      it('passes requests through and records nothing when false', async () => {
        const { metrics, base } = await start({ enabled: false })
        expect((await fetch(`${base}/users/1`)).status).toBe(200)
        expect((await fetch(`${base}/metrics`)).status).toBe(404)
        expect(samples(await metrics.metrics(), REQUESTS)).toHaveLength(0)
        expect(metrics.enabled).toBe(false)
      })
    })
  })
}

describe('Express mount paths', () => {
  it('labels nested routers, failing routes in them, wildcards and mounted middleware by template', async () => {
    const metrics = createMetrics({ alerts: false, processMetrics: false }, { env: {} })
    const app = express()
    app.use(metricsMiddleware(metrics))
    const admin = express.Router()
    admin.get('/users/:id', (req, res) => {
      if (req.params.id === 'bad') throw new Error('bad user')
      res.send('ok')
    })
    admin.get('/files/*splat', (_req, res) => {
      res.send('file')
    })
    const v1 = express.Router()
    v1.use('/admin', admin)
    app.use('/v1', v1)
    app.use('/static', (_req: express.Request, res: express.Response) => {
      res.end('asset')
    })
    app.use((_error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).end()
    })
    const listening = await listenExpress(app)
    try {
      await hit(listening.url, (i) => `/v1/admin/users/${i}`, 3)
      await hit(listening.url, () => '/v1/admin/users/bad?x=1', 2)
      await hit(listening.url, (i) => `/v1/admin/files/a/b/${i}.txt`, 2)
      await hit(listening.url, (i) => `/static/app.${i}.js`, 2)
      const text = await metrics.metrics()
      expect(value(text, REQUESTS, 'route="/v1/admin/users/:id"', 'status_class="2xx"')).toBe(3)
      expect(value(text, REQUESTS, 'route="/v1/admin/users/:id"', 'status_class="5xx"')).toBe(2)
      expect(value(text, REQUESTS, 'route="/v1/admin/files/*splat"')).toBe(2)
      expect(value(text, REQUESTS, 'route="/static/*"')).toBe(2)
      expect(samples(text, REQUESTS)).toHaveLength(4)
    } finally {
      await listening.close()
      await metrics.close()
    }
  })
})
