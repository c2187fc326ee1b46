import type { IncomingMessage } from 'node:http'
import { freePort, type ListeningApp, listenExpress } from '@kit/test-utils'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { metricsRoute } from '../src/express.ts'
import { createMetrics, type Metrics, type MetricsContext, type MetricsOptions } from '../src/index.ts'
import { FRAMEWORKS, get, samples, serve } from './helpers.ts'

const TOKEN = 'metrics-token-0123456789abcdef'

for (const framework of FRAMEWORKS) {
  describe(`the endpoint on ${framework}`, () => {
    let app: ListeningApp | undefined
    let metrics: Metrics | undefined

    afterEach(async () => {
      await app?.close()
      await metrics?.close()
      app = undefined
      metrics = undefined
    })

    async function start(options: MetricsOptions = {}, context: MetricsContext = {}) {
      metrics = createMetrics({ alerts: false, ...options }, { env: {}, ...context })
      app = await serve(framework, metrics)
      return { metrics, base: app.url }
    }

    describe('option token', () => {
      it('refuses a request without the token when private networks are not trusted', async () => {
        const { base } = await start({ token: TOKEN, trustPrivateNetwork: false })
        const response = await fetch(`${base}/metrics`)
        expect(response.status).toBe(401)
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"')
        expect(response.headers.get('cache-control')).toBe('no-store')
        expect(await response.text()).not.toContain('http_requests_total')
      })

      it('refuses a wrong token, of any length', async () => {
        const { base } = await start({ token: TOKEN, trustPrivateNetwork: false })
        for (const given of ['wrong', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
          const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${given}` } })
          expect(response.status).toBe(401)
        }
        const basic = await fetch(`${base}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } })
        expect(basic.status).toBe(401)
      })

      it('serves Prometheus text with the bearer token', async () => {
        const { base } = await start({ token: TOKEN, trustPrivateNetwork: false })
        await get(`${base}/users/1`)
        const response = await fetch(`${base}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } })
        expect(response.status).toBe(200)
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
        const text = await response.text()
        expect(text).toContain('# TYPE http_requests_total counter')
        expect(text).toContain('# TYPE http_request_duration_seconds histogram')
        expect(samples(text, 'http_requests_total', 'route="/users/:id"')).toHaveLength(1)
      })

      it('takes METRICS_TOKEN from env, and the option over it', async () => {
        const { base } = await start(
          { token: TOKEN, trustPrivateNetwork: false },
          { env: { METRICS_TOKEN: 'env-token-0123456789abcdef' } },
        )
        const withEnv = await fetch(`${base}/metrics`, {
          headers: { authorization: 'Bearer env-token-0123456789abcdef' },
        })
        expect(withEnv.status).toBe(401)
        const withOption = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
        expect(withOption.status).toBe(200)
      })

      it('answers 403 and names METRICS_TOKEN when no token is configured', async () => {
        const { base } = await start({ trustPrivateNetwork: false })
        const response = await fetch(`${base}/metrics`)
        expect(response.status).toBe(403)
        expect(response.headers.get('www-authenticate')).toBeNull()
        expect(await response.text()).toContain('METRICS_TOKEN')
      })
    })

    describe('option trustPrivateNetwork', () => {
      it('serves loopback requests without a token by default', async () => {
        const { base } = await start({ token: TOKEN })
        expect((await fetch(`${base}/metrics`)).status).toBe(200)
      })

      it('refuses a request forwarded from a public address', async () => {
        const { base } = await start({ token: TOKEN })
        const viaProxy = await fetch(`${base}/metrics`, {
          headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.2' },
        })
        expect(viaProxy.status).toBe(401)
        const forwarded = await fetch(`${base}/metrics`, { headers: { forwarded: 'for=203.0.113.9' } })
        expect(forwarded.status).toBe(401)
        const privateHops = await fetch(`${base}/metrics`, {
          headers: { 'x-forwarded-for': '10.1.2.3:5555' },
        })
        expect(privateHops.status).toBe(200)
      })
    })

    describe('option path', () => {
      it('answers its path (query string, trailing slash, case) and nothing else', async () => {
        const { base } = await start({ path: '/internal/prom' })
        expect((await fetch(`${base}/internal/prom`)).status).toBe(200)
        expect((await fetch(`${base}/internal/prom?x=1`)).status).toBe(200)
        expect((await fetch(`${base}/internal/prom/`)).status).toBe(200)
        expect((await fetch(`${base}/Internal/Prom`)).status).toBe(200)
        expect((await fetch(`${base}/internal/prometheus`)).status).toBe(404)
        expect((await fetch(`${base}/metrics`)).status).toBe(404)
      })

      it('answers HEAD without a body and leaves other methods to the app', async () => {
        const { base } = await start()
        const head = await fetch(`${base}/metrics`, { method: 'HEAD' })
        expect(head.status).toBe(200)
        expect(await head.text()).toBe('')
        expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404)
      })
    })

    it('tells the logger and rate limits which requests are scrapes (isMetricsPath)', async () => {
      const { metrics } = await start()
      const req = (method: string, url: string) => ({ method, url, headers: {} }) as IncomingMessage
      expect(metrics.isMetricsPath(req('GET', '/metrics'))).toBe(true)
      expect(metrics.isMetricsPath(req('GET', '/metrics?name=x'))).toBe(true)
      expect(metrics.isMetricsPath(req('GET', '/metricsx'))).toBe(false)
      expect(metrics.isMetricsPath(req('POST', '/metrics'))).toBe(false)
      expect(metrics.isMetricsPath(req('GET', '/hello'))).toBe(false)
    })

    it('serves metrics registered by the app on the same registry', async () => {
      const { metrics, base } = await start()
      const { Counter } = await import('prom-client')
      const signups = new Counter({
        name: 'app_signups_total',
        help: 'Sign-ups.',
        registers: [metrics.registry],
      })
      signups.inc(3)
      const text = await (await fetch(`${base}/metrics`)).text()
      expect(text).toMatch(/^app_signups_total\{service="[^"]+".*\} 3$/m)
    })

    describe('option port (METRICS_PORT)', () => {
      it('serves the endpoint on its own server and not on the app', async () => {
        const port = await freePort()
        const { metrics, base } = await start({}, { env: { METRICS_PORT: String(port) } })
        await metrics.start()
        expect(metrics.port).toBe(port)
        expect(
          metrics.isMetricsPath({ method: 'GET', url: '/metrics', headers: {} } as IncomingMessage),
        ).toBe(false)
        await get(`${base}/users/1`)
        expect((await fetch(`${base}/metrics`)).status).toBe(404)
        const own = await fetch(`http://127.0.0.1:${port}/metrics`)
        expect(own.status).toBe(200)
        expect(samples(await own.text(), 'http_requests_total', 'route="/users/:id"')).toHaveLength(1)
        expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404)
        await metrics.close()
        await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow()
      })

      it('applies the token on its own server too', async () => {
        const { metrics } = await start({ port: 0, token: TOKEN, trustPrivateNetwork: false })
        await metrics.start()
        const url = `http://127.0.0.1:${metrics.port}/metrics`
        expect((await fetch(url)).status).toBe(401)
        expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
      })

      it('fails start() with KIT_METRICS_LISTEN_FAILED when the port is taken', async () => {
        const first = createMetrics({ port: 0, alerts: false, processMetrics: false }, { env: {} })
        await first.start()
        try {
          metrics = createMetrics({ port: first.port, alerts: false, processMetrics: false }, { env: {} })
          if (framework === 'express') {
            app = await serve(framework, metrics)
            await expect(metrics.start()).rejects.toMatchObject({ code: 'KIT_METRICS_LISTEN_FAILED' })
          } else {
            // The plugin starts the metrics when Fastify gets ready: listen() fails with the same error.
            await expect(serve(framework, metrics)).rejects.toMatchObject({
              code: 'KIT_METRICS_LISTEN_FAILED',
            })
          }
        } finally {
          await first.close()
        }
      })
    })
  })
}

describe('metricsRoute (Express)', () => {
  it('answers the endpoint alone, wherever the app mounts it', async () => {
    const metrics = createMetrics({ alerts: false, processMetrics: false }, { env: {} })
    const app = express()
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    app.use(metricsRoute(metrics))
    const listening = await listenExpress(app)
    try {
      expect((await fetch(`${listening.url}/hello`)).status).toBe(200)
      const response = await fetch(`${listening.url}/metrics`)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('# TYPE http_requests_total counter')
      const fromPublic = await fetch(`${listening.url}/metrics`, {
        headers: { 'x-forwarded-for': '198.51.100.1' },
      })
      expect(fromPublic.status).toBe(403)
    } finally {
      await listening.close()
      await metrics.close()
    }
  })

  it('passes everything through when the endpoint has its own port', async () => {
    const metrics = createMetrics({ port: 0, alerts: false, processMetrics: false }, { env: {} })
    const app = express()
    app.use(metricsRoute(metrics))
    const listening = await listenExpress(app)
    try {
      expect((await fetch(`${listening.url}/metrics`)).status).toBe(404)
    } finally {
      await listening.close()
      await metrics.close()
    }
  })
})
