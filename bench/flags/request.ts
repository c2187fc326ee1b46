/**
 * What `req.flags` costs a request on Express-shaped objects (real node:http
 * objects given Express's prototypes, as `app.handle()` does), side by side
 * in one tinybench run: the objects alone, the eager binding kit used to
 * make in its middleware (a closure, a BoundFlags and an own `req.flags`
 * property on every request), and today's lazy one (a getter on
 * `app.request`, the binding made on first read), each with the flag read
 * once and never.
 *
 * Run: node --import tsx --conditions=@kit/source bench/flags/request.ts
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import express from 'express'
import { Bench } from 'tinybench'
import { flagsMiddleware } from '../../packages/flags/src/express.ts'
import { createFlags } from '../../packages/flags/src/index.ts'
import { defaultRequestContext } from '../../packages/flags/src/request.ts'

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500)
const flags = createFlags(
  { newGreeting: { default: false } },
  { file: false },
  { env: { FEATURE_FLAGS: JSON.stringify({ newGreeting: { rollout: 50 } }) } },
)

const socket = new Socket()
const app = express()
type Req = IncomingMessage & { flags?: { isEnabled(name: string): boolean }; user?: { id: string } }

/** A request as Express hands it to middleware: node:http objects, then app.handle()'s set-up. */
function request(): [Req, ServerResponse] {
  const req = new IncomingMessage(socket) as Req
  req.method = 'GET'
  req.url = '/hello'
  const res = new ServerResponse(req)
  Object.assign(req, { res, next: noop })
  Object.setPrototypeOf(req, app.request)
  Object.setPrototypeOf(res, app.response)
  Object.assign(res, { locals: Object.create(null) })
  return [req, res]
}
function noop(): void {}

/** The adapter before issue 21: every request got a closure, a BoundFlags and an own property. */
function eagerMiddleware(req: Req, _res: ServerResponse, next: () => void): void {
  req.flags = flags.forRequest(() => defaultRequestContext(req)) as Req['flags']
  next()
}
const lazyMiddleware = flagsMiddleware(flags) as unknown as typeof eagerMiddleware

let sink = 0
const bench = new Bench({ time: TIME_MS })
bench
  .add('Express objects alone (baseline)', () => {
    const [req] = request()
    sink += req.url!.length
  })
  .add('eager binding (before), flag read once', () => {
    const [req, res] = request()
    eagerMiddleware(req, res, noop)
    if (req.flags!.isEnabled('newGreeting')) sink++
  })
  .add('lazy binding (now), flag read once', () => {
    const [req, res] = request()
    lazyMiddleware(req, res, noop)
    if (req.flags!.isEnabled('newGreeting')) sink++
  })
  .add('eager binding (before), flag never read', () => {
    const [req, res] = request()
    eagerMiddleware(req, res, noop)
  })
  .add('lazy binding (now), flag never read', () => {
    const [req, res] = request()
    lazyMiddleware(req, res, noop)
  })

await bench.run()
const median = (name: string): number => bench.getTask(name)!.result!.latency.p50! * 1000
const baseline = median('Express objects alone (baseline)')
console.table(
  bench.tasks.map((task) => {
    const us = median(task.name)
    return {
      task: task.name,
      'µs/op (median)': us.toFixed(3),
      'µs over baseline': (us - baseline).toFixed(3),
      'vs baseline': `${(us / baseline).toFixed(3)}×`,
    }
  }),
)
if (sink < 0) console.log(sink)
