/**
 * @kit/security's per-request cost, step by step, side by side with helmet
 * and cors in one run (tinybench, one process, no sockets):
 *
 * 1. Express middleware alone: each kit step as its middleware, helmet (with
 *    a nonce and a Permissions-Policy, so the header sets match) and cors,
 *    called on real Express request/response objects. The "create objects"
 *    task is the floor every other task includes; the tables subtract it.
 * 2. Whole apps in process, both frameworks: bare, helmet + cors by hand
 *    (@fastify/helmet + @fastify/cors on Fastify) and kit's headers + cors
 *    steps (apps.ts), each request handled from routing to the buffered
 *    response (headers serialised, body written), minus the bare app. This is
 *    where Fastify's cost shows: it validates and serialises the headers
 *    when it sends them.
 *
 * Ratios are by hand ÷ kit (> 1: kit is cheaper). Tasks run in interleaved
 * rounds (runRounds below) and every figure is a median over rounds.
 *
 *   node bench/run.mjs security [--time 2500] [--rounds 5] [--no-write]
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { parseArgs } from 'node:util'
import { createSecurity, type SecurityStep } from '@kit/security'
import { kitSecurity } from '@kit/security/express'
import cors from 'cors'
import express, { type RequestHandler } from 'express'
import { Bench } from 'tinybench'
import { loadAverage, machineLine, table, writeSection } from '../http/report.ts'
import { ALLOWED_ORIGIN, buildApp, expressChain, type Variant } from './apps.ts'

const { values: args } = parseArgs({
  options: {
    time: { type: 'string', default: '2500' },
    rounds: { type: 'string', default: '5' },
    'no-write': { type: 'boolean', default: false },
  },
})
/** ms per task over the whole run, split across the rounds. */
const TIME = Number(args.time)
const ROUNDS = Number(args.rounds)

interface Request {
  method: string
  url: string
  headers: Record<string, string>
}
const GET: Request = {
  method: 'GET',
  url: '/api/hello',
  headers: {
    host: 'app.example.com',
    origin: ALLOWED_ORIGIN,
    'x-forwarded-proto': 'https',
    accept: 'application/json',
  },
}
const PREFLIGHT: Request = {
  method: 'OPTIONS',
  url: '/api/hello',
  headers: {
    host: 'app.example.com',
    origin: ALLOWED_ORIGIN,
    'access-control-request-method': 'PUT',
    'x-forwarded-proto': 'https',
  },
}
// A same-origin form post with a session cookie: the CSRF step's full check.
const POST: Request = {
  method: 'POST',
  url: '/api/items',
  headers: {
    host: 'app.example.com',
    origin: 'https://app.example.com',
    'sec-fetch-site': 'same-origin',
    cookie: 'sid=abc',
    'content-type': 'application/json',
    'content-length': '20',
    'x-forwarded-proto': 'https',
  },
}

// --- 1. Express middleware alone ------------------------------------------------------------
const expressApp = express()
expressApp.set('trust proxy', 'loopback')
const socket = new Socket()
Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' })

function expressPair(request: Request): [express.Request, express.Response] {
  const req = new IncomingMessage(socket) as express.Request
  req.method = request.method
  req.url = request.url
  req.headers = { ...request.headers }
  const res = new ServerResponse(req) as unknown as express.Response
  Object.setPrototypeOf(req, expressApp.request)
  Object.setPrototypeOf(res, expressApp.response)
  req.originalUrl = req.url
  req.res = res
  res.req = req
  res.locals = {}
  return [req, res]
}

function runChain(chain: readonly RequestHandler[], request: Request): void {
  const [req, res] = expressPair(request)
  let index = 0
  const next = (): void => {
    const handler = chain[index++]
    if (handler) handler(req, res, next)
  }
  next()
}

const kitOptions = {
  production: true,
  hosts: { allowed: ['app.example.com'] },
  cors: {
    origins: [ALLOWED_ORIGIN, 'https://admin.example.com', 'https://*.example.com'],
    credentials: true,
  },
}
const security = createSecurity(kitOptions, { env: { NODE_ENV: 'production' } })
const kitSteps = new Map(
  (['headers', 'cors', 'hosts', 'csrf', 'bodyLimit'] as SecurityStep[]).map((step) => [
    step,
    kitSecurity(security, { steps: [step] }),
  ]),
)
const kitStep = (step: SecurityStep): RequestHandler[] => kitSteps.get(step)!
const handChain = expressChain('express-hand' as Variant) // [nonce, helmet, Permissions-Policy, cors]
const helmetChain = handChain.slice(0, 3)
const corsChain = [
  cors({ origin: [ALLOWED_ORIGIN, 'https://admin.example.com'], credentials: true, maxAge: 600 }),
]

interface Row {
  label: string
  kit: string
  hand?: string
}
const middlewareRows: Row[] = [
  { label: 'headers (GET, HTTPS)', kit: 'kit headers step', hand: 'helmet() + nonce + Permissions-Policy' },
  { label: 'CORS (GET, allowed origin)', kit: 'kit cors step', hand: 'cors()' },
  { label: 'CORS preflight', kit: 'kit cors step, preflight', hand: 'cors(), preflight' },
  { label: 'hosts (allowed host, HTTPS)', kit: 'kit hosts step' },
  { label: 'CSRF (same-origin POST with a cookie)', kit: 'kit csrf step' },
  { label: 'body limit (GET, no body)', kit: 'kit bodyLimit step' },
]
type Task = readonly [name: string, fn: () => unknown]
const middlewareTasks: Task[] = [
  ['create objects (GET)', () => runChain([], GET)],
  ['create objects (POST)', () => runChain([], POST)],
  ['create objects (preflight)', () => runChain([], PREFLIGHT)],
  ['kit headers step', () => runChain(kitStep('headers'), GET)],
  ['helmet() + nonce + Permissions-Policy', () => runChain(helmetChain, GET)],
  ['kit cors step', () => runChain(kitStep('cors'), GET)],
  ['cors()', () => runChain(corsChain, GET)],
  ['kit cors step, preflight', () => runChain(kitStep('cors'), PREFLIGHT)],
  ['cors(), preflight', () => runChain(corsChain, PREFLIGHT)],
  ['kit hosts step', () => runChain(kitStep('hosts'), GET)],
  ['kit csrf step', () => runChain(kitStep('csrf'), POST)],
  ['kit bodyLimit step', () => runChain(kitStep('bodyLimit'), GET)],
]

// --- 2. whole apps in process ---------------------------------------------------------------
// Told when the app ends the response (some plugins answer after a microtask). An own
// property, since Express swaps the response's prototype for its own.
const nodeEnd = ServerResponse.prototype.end
type Handle = (request: Request) => Promise<void>
async function appHandler(variant: Variant): Promise<Handle> {
  const built = await buildApp(variant)
  const serve: (req: IncomingMessage, res: ServerResponse) => void =
    built.framework === 'express' ? built.app : built.app.routing
  return (request) =>
    new Promise((resolve) => {
      const req = new IncomingMessage(socket)
      req.method = request.method
      req.url = request.url
      req.headers = { ...request.headers }
      const res = new ServerResponse(req)
      res.end = function end(this: ServerResponse, ...rest: unknown[]) {
        nodeEnd.apply(this, rest as [])
        resolve()
        return this
      }
      serve(req, res)
    })
}
const APP_VARIANTS: Variant[] = [
  'express-bare',
  'express-hand',
  'express-kit',
  'fastify-bare',
  'fastify-hand',
  'fastify-kit',
]
const appTasks: Task[] = []
for (const variant of APP_VARIANTS) {
  const handle = await appHandler(variant)
  appTasks.push([`${variant} GET`, () => handle(GET)])
}

// --- run and report -------------------------------------------------------------------------
/**
 * Every task once per round, ROUNDS rounds: a pause of the machine then hits
 * one round of every task, not every round of one. Each figure below is the
 * median over rounds of a per-round difference (or ratio), so what drifts
 * between rounds cancels out.
 */
async function runRounds(tasks: readonly Task[]): Promise<((name: string) => number)[]> {
  const rounds: ((name: string) => number)[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME / ROUNDS, warmupTime: round === 0 ? 200 : 20 })
    for (const [name, fn] of tasks) bench.add(name, fn)
    await bench.run()
    const p50 = new Map<string, number>()
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`${task.name}: ${task.result.state}`)
      p50.set(task.name, task.result.latency.p50 * 1000) // µs
    }
    rounds.push((name) => p50.get(name)!)
  }
  return rounds
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const overRounds = (rounds: ((name: string) => number)[], f: (p50: (name: string) => number) => number) =>
  median(rounds.map(f))

const loadAtStart = loadAverage()
const middlewareRounds = await runRounds(middlewareTasks)
process.stderr.write('middleware: done\n')
const appRounds = await runRounds(appTasks)
process.stderr.write('apps: done\n')

const floorOf = (name: string): string =>
  name.includes('csrf')
    ? 'create objects (POST)'
    : name.includes('preflight')
      ? 'create objects (preflight)'
      : 'create objects (GET)'
const costOf = (name: string) => (p50: (name: string) => number) => p50(name) - p50(floorOf(name))

const stepRows = middlewareRows.map((row) => {
  const kit = overRounds(middlewareRounds, costOf(row.kit))
  if (row.hand === undefined) return [row.label, kit.toFixed(2), '—', '—', '—']
  const hand = overRounds(middlewareRounds, costOf(row.hand))
  const ratio = overRounds(middlewareRounds, (p50) => costOf(row.hand!)(p50) / costOf(row.kit)(p50))
  return [row.label, kit.toFixed(2), row.hand, hand.toFixed(2), `${ratio.toFixed(2)}×`]
})
const appRows = (['express', 'fastify'] as const).map((framework) => {
  const bare = (p50: (name: string) => number) => p50(`${framework}-bare GET`)
  const hand = (p50: (name: string) => number) => p50(`${framework}-hand GET`) - bare(p50)
  const kit = (p50: (name: string) => number) => p50(`${framework}-kit GET`) - bare(p50)
  return [
    framework,
    overRounds(appRounds, bare).toFixed(2),
    overRounds(appRounds, hand).toFixed(2),
    overRounds(appRounds, kit).toFixed(2),
    `${overRounds(appRounds, (p50) => hand(p50) / kit(p50)).toFixed(2)}×`,
  ]
})

const markdown = [
  `Run ${new Date().toISOString()} with \`node bench/run.mjs security${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`: tinybench, one process, ${ROUNDS} interleaved rounds of ${TIME / ROUNDS} ms per task; each figure is the median over rounds of that round's medians (differences and ratios taken per round). Load average at start ${loadAtStart}, at end ${loadAverage()}.`,
  '',
  machineLine(),
  '',
  '### Each step as Express middleware (µs per request beyond creating the request and response)',
  '',
  table(['step', 'kit µs', 'by hand', 'by hand µs', 'by hand ÷ kit'], ['l', 'r', 'l', 'r', 'r'], stepRows),
  '',
  '### Headers + CORS in a whole app, in process (GET with an allowed Origin over HTTPS; µs per request beyond the bare app)',
  '',
  table(
    ['framework', 'bare app µs', 'helmet + cors µs', 'kit µs', 'helmet + cors ÷ kit'],
    ['l', 'r', 'r', 'r', 'r'],
    appRows,
  ),
  '',
].join('\n')
console.log(markdown)
if (!args['no-write']) writeSection('security-steps', markdown)
