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
 * Ratios are by hand ÷ kit (> 1: kit is cheaper), from the medians of the
 * same run.
 *
 *   node bench/run.mjs security [--time 500] [--no-write]
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { parseArgs } from 'node:util'
import { createSecurity, type SecurityStep } from '@kit/security'
import { kitSecurity } from '@kit/security/express'
import cors from 'cors'
import express, { type RequestHandler } from 'express'
import helmet from 'helmet'
import { Bench } from 'tinybench'
import { loadAverage, machineLine, table, writeSection } from '../http/report.ts'
import { ALLOWED_ORIGIN, buildApp, expressChain, type Variant } from './apps.ts'

const { values: args } = parseArgs({
  options: { time: { type: 'string', default: '500' }, 'no-write': { type: 'boolean', default: false } },
})
const TIME = Number(args.time)

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
void helmet // helmet is wired in apps.ts (expressChain), as the README shows it

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
const middleware = new Bench({ time: TIME, warmupTime: 200 })
middleware
  .add('create objects (GET)', () => runChain([], GET))
  .add('create objects (POST)', () => runChain([], POST))
  .add('create objects (preflight)', () => runChain([], PREFLIGHT))
  .add('kit headers step', () => runChain(kitStep('headers'), GET))
  .add('helmet() + nonce + Permissions-Policy', () => runChain(helmetChain, GET))
  .add('kit cors step', () => runChain(kitStep('cors'), GET))
  .add('cors()', () => runChain(corsChain, GET))
  .add('kit cors step, preflight', () => runChain(kitStep('cors'), PREFLIGHT))
  .add('cors(), preflight', () => runChain(corsChain, PREFLIGHT))
  .add('kit hosts step', () => runChain(kitStep('hosts'), GET))
  .add('kit csrf step', () => runChain(kitStep('csrf'), POST))
  .add('kit bodyLimit step', () => runChain(kitStep('bodyLimit'), GET))

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
const apps = new Bench({ time: TIME, warmupTime: 200 })
for (const variant of APP_VARIANTS) {
  const handle = await appHandler(variant)
  apps.add(`${variant} GET`, async () => {
    await handle(GET)
  })
}

// --- run and report -------------------------------------------------------------------------
const loadAtStart = loadAverage()
await middleware.run()
process.stderr.write('middleware: done\n')
await apps.run()
process.stderr.write('apps: done\n')

const medianOf = (bench: Bench, name: string): number => {
  const task = bench.tasks.find((t) => t.name === name)
  if (task?.result.state !== 'completed') throw new Error(`${name}: ${task?.result.state}`)
  return task.result.latency.p50 * 1000 // µs
}
const floorOf = (name: string): number =>
  medianOf(
    middleware,
    name.includes('csrf')
      ? 'create objects (POST)'
      : name.includes('preflight')
        ? 'create objects (preflight)'
        : 'create objects (GET)',
  )
const costOf = (name: string): number => medianOf(middleware, name) - floorOf(name)

const stepRows = middlewareRows.map((row) => {
  const kit = costOf(row.kit)
  const hand = row.hand === undefined ? undefined : costOf(row.hand)
  return [
    row.label,
    kit.toFixed(2),
    row.hand ?? '—',
    hand === undefined ? '—' : hand.toFixed(2),
    hand === undefined ? '—' : `${(hand / kit).toFixed(2)}×`,
  ]
})
const appRows = (['express', 'fastify'] as const).map((framework) => {
  const bare = medianOf(apps, `${framework}-bare GET`)
  const hand = medianOf(apps, `${framework}-hand GET`) - bare
  const kit = medianOf(apps, `${framework}-kit GET`) - bare
  return [framework, bare.toFixed(2), hand.toFixed(2), kit.toFixed(2), `${(hand / kit).toFixed(2)}×`]
})

const markdown = [
  `Run ${new Date().toISOString()} with \`node bench/run.mjs security${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`: tinybench, ${TIME} ms per task after a 200 ms warm-up, one process, medians. Load average at start ${loadAtStart}, at end ${loadAverage()}.`,
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
