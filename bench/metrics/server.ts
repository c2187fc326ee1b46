/**
 * One server variant per process (argv[2]), for bench/metrics/run.ts. Every
 * variant answers GET /hello with "hello". Over IPC the parent asks for
 * process.cpuUsage(), so measuring costs no request.
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { metricsMiddleware } from '../../packages/metrics/src/express.ts'
import { kitMetrics } from '../../packages/metrics/src/fastify.ts'
import { createMetrics } from '../../packages/metrics/src/index.ts'

// prom-client is @kit/metrics' own dependency.
const require = createRequire(new URL('../../packages/metrics/package.json', import.meta.url))
const { Counter, Histogram, Registry } = require('prom-client') as typeof import('prom-client')

const variant = process.argv[2] ?? ''

// What productionize() does: the launch preset of alert rules, process metrics, the endpoint on the app.
const kit = () => createMetrics({}, { env: { NODE_ENV: 'production' } })

/** prom-client wired by hand, as its README shows: a labelled counter and histogram per request. */
function byHand() {
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_code']
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'requests',
    labelNames,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'duration',
    labelNames,
    registers: [registry],
  })
  return (method: string, route: string, status: number, seconds: number) => {
    const labels = { method, route, status_code: status }
    requests.inc(labels)
    duration.observe(labels, seconds)
  }
}

type Listen = () => Promise<number>

function expressApp(setup: (app: express.Express) => void): Listen {
  const app = express()
  app.disable('x-powered-by')
  setup(app)
  app.get('/hello', (_req, res) => {
    res.send('hello')
  })
  return () =>
    new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
}

function fastifyApp(setup: (app: ReturnType<typeof Fastify>) => Promise<void>): Listen {
  const app = Fastify()
  return async () => {
    await setup(app)
    app.get('/hello', async () => 'hello')
    await app.listen({ port: 0, host: '127.0.0.1' })
    return (app.server.address() as AddressInfo).port
  }
}

const variants: Record<string, () => Listen> = {
  'express bare': () => expressApp(() => {}),
  'express + prom-client by hand': () =>
    expressApp((app) => {
      const record = byHand()
      app.use((req, res, next) => {
        const start = process.hrtime.bigint()
        res.on('finish', () => {
          const route = req.route ? req.baseUrl + req.route.path : 'unmatched'
          record(req.method, route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9)
        })
        next()
      })
    }),
  'express + @kit/metrics': () =>
    expressApp((app) => {
      const metrics = kit()
      void metrics.start()
      app.use(metricsMiddleware(metrics))
    }),
  'fastify bare': () => fastifyApp(async () => {}),
  'fastify + prom-client by hand': () =>
    fastifyApp(async (app) => {
      const record = byHand()
      app.addHook('onResponse', (request, reply, done) => {
        record(
          request.method,
          request.routeOptions.url ?? 'unmatched',
          reply.statusCode,
          reply.elapsedTime / 1000,
        )
        done()
      })
    }),
  'fastify + @kit/metrics': () =>
    fastifyApp(async (app) => {
      await app.register(kitMetrics, { metrics: kit() })
    }),
  // Diagnostics: the request path alone, without prom-client's process metrics and the alert windows;
  // and the floor of any middleware (an empty one).
  'fastify + @kit/metrics (requests only)': () =>
    fastifyApp(async (app) => {
      const metrics = createMetrics(
        { processMetrics: false, alerts: false },
        { env: { NODE_ENV: 'production' } },
      )
      await app.register(kitMetrics, { metrics })
    }),
  'fastify + empty onRequest hook': () =>
    fastifyApp(async (app) => {
      app.addHook('onRequest', (_request, _reply, done) => done())
    }),
  'fastify + close listener': () =>
    fastifyApp(async (app) => {
      const noop = () => {}
      app.addHook('onRequest', (_request, reply, done) => {
        reply.raw.on('close', noop)
        done()
      })
    }),
  'express + empty middleware': () =>
    expressApp((app) => {
      app.use((_req, _res, next) => next())
    }),
  'express + close listener': () =>
    expressApp((app) => {
      const noop = () => {}
      app.use((_req, res, next) => {
        res.on('close', noop)
        next()
      })
    }),
  'express + @kit/metrics (requests only)': () =>
    expressApp((app) => {
      const metrics = createMetrics(
        { processMetrics: false, alerts: false },
        { env: { NODE_ENV: 'production' } },
      )
      app.use(metricsMiddleware(metrics))
    }),
}

const make = variants[variant]
if (!make)
  throw new Error(`unknown variant ${JSON.stringify(variant)}; one of: ${Object.keys(variants).join(', ')}`)
const port = await make()()
process.on('message', (message) => {
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage() })
  if (message === 'exit') process.exit(0)
})
process.send!({ port })
