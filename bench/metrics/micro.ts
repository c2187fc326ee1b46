/**
 * In-process cost of measuring one request (tinybench, real node:http
 * objects without socket I/O): the bare objects, @kit/metrics' Express path
 * (start, route template, 'close', counters, histogram, alert window), its
 * Fastify path, and prom-client's labelled inc() + observe() as its README
 * wires them. Run: node --import tsx --conditions=@kit/source bench/metrics/micro.ts
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { Socket } from 'node:net'
import express from 'express'
import { Bench } from 'tinybench'
import { createMetrics } from '../../packages/metrics/src/index.ts'
import { INTERNALS } from '../../packages/metrics/src/internals.ts'

const require = createRequire(new URL('../../packages/metrics/package.json', import.meta.url))
const { Counter, Histogram, Registry } = require('prom-client') as typeof import('prom-client')

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

await bench.run()
console.table(
  bench.tasks.map((task) => ({
    task: task.name,
    'µs/op (median)':
      task.result?.latency?.p50 !== undefined ? (task.result.latency.p50 * 1000).toFixed(2) : '?',
  })),
)
await withAlerts.close()
await withoutAlerts.close()
