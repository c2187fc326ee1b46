/**
 * In-process cost of measuring one request (tinybench, real node:http
 * objects without socket I/O): the bare objects, @kit/metrics' Express path
 * (start, route template, 'close', counters, histogram, alert window), its
 * Fastify path, and prom-client's labelled inc() + observe() as its README
 * wires them, as express-prom-bundle wires it (a histogram timer started per
 * request, labels method/path/status_code at the end) and as fastify-metrics
 * does (a histogram and a summary timer per request). Each task is printed
 * with its cost over the baseline of the same objects.
 * Run: node --import tsx --conditions=@kit/source bench/metrics/micro.ts
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { Socket } from 'node:net'
import express from 'express'
import { Bench } from 'tinybench'
import { createMetrics } from '../../packages/metrics/src/index.ts'
import { INTERNALS } from '../../packages/metrics/src/internals.ts'

const require = createRequire(new URL('../../packages/metrics/package.json', import.meta.url))
const { Counter, Histogram, Registry, Summary } = require('prom-client') as typeof import('prom-client')

const socket = new Socket()
const app = express()
/** A request as Express hands it to middleware (with its prototypes swapped in), or as node:http does. */
function request(asExpress = false): [IncomingMessage, ServerResponse] {
  const req = new IncomingMessage(socket)
  req.method = 'GET'
  req.url = '/users/123'
  const res = new ServerResponse(req)
  if (asExpress) {
    Object.setPrototypeOf(req, app.request)
    Object.setPrototypeOf(res, app.response)
  }
  Object.assign(req, { route: { path: '/users/:id' }, baseUrl: '', originalUrl: '/users/123' })
  res.statusCode = 200
  return [req, res]
}

const withAlerts = createMetrics({}, { env: {} })
const withoutAlerts = createMetrics({ alerts: false }, { env: {} })
const registry = new Registry()
const labelNames = ['method', 'route', 'status_code']
const counter = new Counter({ name: 'c', help: 'c', labelNames, registers: [registry] })
const histogram = new Histogram({ name: 'h', help: 'h', labelNames, registers: [registry] })
// express-prom-bundle's default metric: one histogram, method + path + status_code.
const bundleHistogram = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'h',
  labelNames: ['method', 'path', 'status_code'],
  registers: [registry],
})
// fastify-metrics' route metrics: a histogram and a summary, method + route + status_code.
const routeLabels = ['method', 'route', 'status_code']
const routeHistogram = new Histogram({
  name: 'fm_h',
  help: 'h',
  labelNames: routeLabels,
  registers: [registry],
})
const routeSummary = new Summary({ name: 'fm_s', help: 's', labelNames: routeLabels, registers: [registry] })
const reply = { getHeader: () => undefined }
const noop = () => {}

const bench = new Bench({ time: 1500 })
bench
  .add('node:http objects + one close listener (baseline)', () => {
    const [, res] = request()
    res.on('close', noop)
    res.emit('close')
  })
  .add('@kit/metrics, Express path (launch preset on)', () => {
    const [req, res] = request()
    withAlerts[INTERNALS].tracker.startExpress(req, res)
    res.emit('close')
  })
  .add('@kit/metrics, Express path (alerts: false)', () => {
    const [req, res] = request()
    withoutAlerts[INTERNALS].tracker.startExpress(req, res)
    res.emit('close')
  })
  .add('Express req/res objects + one close listener (baseline)', () => {
    const [, res] = request(true)
    res.on('close', noop)
    res.emit('close')
  })
  .add('@kit/metrics, Express path on Express objects', () => {
    const [req, res] = request(true)
    withAlerts[INTERNALS].tracker.startExpress(req, res)
    res.emit('close')
  })
  .add('@kit/metrics, Fastify path (launch preset on)', () => {
    const [req, res] = request()
    withAlerts[INTERNALS].tracker.startFastify(req, res, '/users/:id', undefined, reply)
    res.emit('close')
  })
  .add('prom-client inc() + observe() with labels', () => {
    const [req, res] = request()
    const start = process.hrtime.bigint()
    res.on('close', () => {
      const labels = { method: req.method!, route: '/users/:id', status_code: res.statusCode }
      counter.inc(labels)
      histogram.observe(labels, Number(process.hrtime.bigint() - start) / 1e9)
    })
    res.emit('close')
  })

  .add('express-prom-bundle style on Express objects', () => {
    const [req, res] = request(true)
    const end = bundleHistogram.startTimer()
    res.on('close', () => {
      end({ method: req.method!, path: '/users/:id', status_code: res.statusCode })
    })
    res.emit('close')
  })
  .add('fastify-metrics style (histogram + summary timers)', () => {
    const [req, res] = request()
    const endHistogram = routeHistogram.startTimer()
    const endSummary = routeSummary.startTimer()
    res.on('close', () => {
      const labels = { method: req.method!, route: '/users/:id', status_code: res.statusCode }
      endHistogram(labels)
      endSummary(labels)
    })
    res.emit('close')
  })

await bench.run()
const median = (name: string): number => (bench.getTask(name)?.result?.latency?.p50 ?? Number.NaN) * 1000
const plainBaseline = median('node:http objects + one close listener (baseline)')
const expressBaseline = median('Express req/res objects + one close listener (baseline)')
console.table(
  bench.tasks.map((task) => {
    const us = median(task.name)
    const baseline = /Express (req\/res )?objects/.test(task.name) ? expressBaseline : plainBaseline
    return {
      task: task.name,
      'µs/op (median)': us.toFixed(2),
      'µs over its baseline': (us - baseline).toFixed(2),
    }
  }),
)
await withAlerts.close()
await withoutAlerts.close()
