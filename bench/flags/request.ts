/**
 * What `req.flags` costs a request on Express-shaped objects (real node:http
 * objects given Express's prototypes, as `app.handle()` does), side by side
 * in one tinybench run: the objects alone, the eager binding kit used to
 * make in its middleware (a closure, a BoundFlags and an own `req.flags`
 * property on every request), and today's lazy one (a getter on
 * `app.request`, the binding made on first read), each with the flag read
 * once and never. Tasks run in short interleaved rounds (`ROUNDS`, 15; `BENCH_TIME_MS`
 * per task in all, 6000), each against its round's baseline.
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

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 6000)
const ROUNDS = Number(process.env.ROUNDS ?? 15)
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
const tasks: [string, () => void][] = [
  [
    'Express objects alone (baseline)',
    () => {
      const [req] = request()
      sink += req.url!.length
    },
  ],
  [
    'eager binding (before), flag read once',
    () => {
      const [req, res] = request()
      eagerMiddleware(req, res, noop)
      if (req.flags!.isEnabled('newGreeting')) sink++
    },
  ],
  [
    'lazy binding (now), flag read once',
    () => {
      const [req, res] = request()
      lazyMiddleware(req, res, noop)
      if (req.flags!.isEnabled('newGreeting')) sink++
    },
  ],
  [
    'eager binding (before), flag never read',
    () => {
      const [req, res] = request()
      eagerMiddleware(req, res, noop)
    },
  ],
  [
    'lazy binding (now), flag never read',
    () => {
      const [req, res] = request()
      lazyMiddleware(req, res, noop)
    },
  ],
]

// Short interleaved rounds: the machine's load drifts over seconds, so each
// round's costs are taken against that round's baseline, and the medians of
// those are printed.
const overBaseline = new Map<string, number[]>(tasks.map(([name]) => [name, []]))
const medians = new Map<string, number[]>(tasks.map(([name]) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TIME_MS / ROUNDS })
  const order = tasks.map((_, i) => tasks[(i + round) % tasks.length]!)
  for (const [name, fn] of order) bench.add(name, fn)
  await bench.run()
  const us = (name: string): number => bench.getTask(name)!.result!.latency.p50! * 1000
  const baseline = us(tasks[0]![0])
  for (const [name] of tasks) {
    medians.get(name)!.push(us(name))
    overBaseline.get(name)!.push(us(name) - baseline)
  }
}
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
console.table(
  tasks.map(([name]) => ({
    task: name,
    'µs/op (median)': median(medians.get(name)!).toFixed(3),
    'µs over baseline (median of rounds)': median(overBaseline.get(name)!).toFixed(3),
    'min–max over rounds': `${Math.min(...overBaseline.get(name)!).toFixed(2)}–${Math.max(...overBaseline.get(name)!).toFixed(2)}`,
  })),
)
if (sink < 0) console.log(sink)
