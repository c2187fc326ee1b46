/**
 * Issue 21: what one request's logging costs, kit against pino-http and
 * Fastify's own logger, side by side in one process, same sink, interleaved.
 *
 * Each task is all the logging work one request causes, on real node:http
 * objects with the headers a browser API client sends (no socket I/O):
 *  - Express: the middleware as wired (pino-http's README; kit's
 *    requestLogger) on Express-shaped requests, then 'finish' and 'close'
 *    as Node emits them.
 *  - Fastify: what Fastify itself runs per request when it logs (its id
 *    counter, `childLoggerFactory(logger, { reqId }, {})`, the 'incoming
 *    request' and 'request completed' lines with its serializers), against
 *    kit's fastifyLoggerOptions() (id, child factory) and kitLoggerPlugin's
 *    own onRequest/onResponse hooks, called as Fastify calls them.
 *  - "line only": the line, given a request already set up (one call of the
 *    logger with what each writes at the end of a request).
 *
 * Every task runs twice: with a sink that only takes the string (the
 * serialisation cost alone) and with a synchronous pino destination on
 * /dev/null (plus the write system call, which Fastify's two lines pay
 * twice).
 *
 * ROUNDS rounds (default 7), the task order rotated each round; a round runs
 * every task for TIME ms (default 300) with tinybench. The table gives the
 * median µs per request over rounds and the median of the per-round ratios
 * (drift on a shared machine hits both sides of a ratio alike).
 *
 * Run: node --import tsx --conditions=@kit/source bench/logging/line-cost.ts
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { pino } from 'pino'
import { Bench } from 'tinybench'
import { ActiveRequest } from '../../packages/logger/src/context.ts'
import { requestLogger } from '../../packages/logger/src/express.ts'
import { fastifyLoggerOptions, kitLoggerPlugin } from '../../packages/logger/src/fastify.ts'
import { createLogger, type Logger } from '../../packages/logger/src/index.ts'
import { logRequestLine } from '../../packages/logger/src/request-line.ts'
import { parseRequestLoggerOptions } from '../../packages/logger/src/request-options.ts'
import { bindRequestLogger } from '../../packages/logger/src/request-start.ts'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const TIME = Number(process.env.TIME ?? 300)

const require = createRequire(new URL('../package.json', import.meta.url))
const pinoHttp = require('pino-http') as typeof import('pino-http').default
const fastifySerializers = require('fastify/lib/logger-pino.js')
  .serializers as pino.LoggerOptions['serializers']

/** Takes the line and drops it (counting its length, so it cannot be optimised away): what is left is building it. */
let written = 0
const nullSink = () => ({
  write(line: string) {
    written += line.length
  },
})
const devNull = () => pino.destination({ dest: '/dev/null', sync: true })
const env = { NODE_ENV: 'production', LOG_LEVEL: 'info' }
const socket = new Socket()

/** What a browser-side API client sends through a TLS-terminating proxy (as bench/http does). */
const HEADERS = {
  host: 'api.example.com',
  'user-agent':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  accept: 'application/json',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en-GB,en;q=0.9',
  origin: 'https://app.example.com',
  referer: 'https://app.example.com/orders',
  cookie: 'session=6f1c0a9e2b7d4c1f8e3a5b9d0c2e4f6a',
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-request-id': '2c6f6b0e-3d4a-4d5e-9f1a-7b8c9d0e1f2a',
  connection: 'keep-alive',
}

function request(Request: typeof IncomingMessage = IncomingMessage): [IncomingMessage, ServerResponse] {
  const req = new Request(socket)
  req.method = 'GET'
  req.url = '/orders/42?page=2'
  req.headers = HEADERS
  const res = new ServerResponse(req)
  res.statusCode = 200
  return [req, res]
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void
/**
 * Shaped like Express's requests: their prototype is a framework object
 * whose own prototype is IncomingMessage's (express/lib/request.js). Express's
 * own per-request work (setPrototypeOf, the req.ip getter) is the
 * framework's, the same for every logger, and left out.
 */
class ExpressShapedRequest extends IncomingMessage {}
/** One request through an Express middleware: the work before the handler, then the line at the end. */
function throughMiddleware(middleware: Middleware): () => void {
  return () => {
    const [req, res] = request(ExpressShapedRequest)
    middleware(req, res, () => {})
    res.emit('finish')
    res.emit('close')
  }
}

type Hook = (...args: any[]) => void
const noop = () => {}
const config = parseRequestLoggerOptions({})
const [lineReq, lineRes] = request()
const facts = {
  method: 'GET',
  url: '/orders/42?page=2',
  route: '/orders/:id',
  status: 200,
  ip: '203.0.113.9',
  userAgent: HEADERS['user-agent'],
  aborted: false,
}

/** Every task, writing to streams from `sink`. */
function tasksFor(sink: () => pino.DestinationStream, label: string): Record<string, () => void> {
  const kit = createLogger({ destination: sink() }, { env })

  // Fastify's own logger, per request, as fastify 5 (lib/route.js, log-controller.js) runs it.
  const fastifyLog = pino({ serializers: fastifySerializers }, sink())
  let fastifyCounter = 0
  const fastifyOwnLogger = () => {
    const [raw, res] = request()
    const id = `req-${(fastifyCounter++).toString(36)}`
    const log = fastifyLog.child({ reqId: id }, {})
    const fastifyRequest = {
      id,
      raw,
      method: raw.method,
      url: raw.url,
      headers: raw.headers,
      host: HEADERS.host,
      ip: '203.0.113.9',
      socket,
    }
    log.info({ req: fastifyRequest }, 'incoming request')
    log.info({ res: { statusCode: res.statusCode }, responseTime: 0.42 }, 'request completed')
  }

  // kit on Fastify: fastifyLoggerOptions()'s id and child factory, then the plugin's own hooks.
  const kitFastifyOptions = fastifyLoggerOptions(kit)
  const hooks: Record<string, Hook> = {}
  const fakeFastify = {
    log: kit,
    setGenReqId() {},
    addHook(name: string, hook: Hook) {
      hooks[name] = hook
    },
  }
  ;(kitLoggerPlugin as unknown as (f: unknown, o: unknown, done: (e?: Error) => void) => void)(
    fakeFastify,
    {},
    (error) => {
      if (error) throw error
    },
  )
  const kitFastify = () => {
    const [raw, res] = request()
    const id = kitFastifyOptions.genReqId(raw)
    const log = kitFastifyOptions.childLoggerFactory(kit, { reqId: id }, {})
    const fastifyRequest = {
      id,
      log,
      raw,
      method: raw.method,
      headers: raw.headers,
      ip: '203.0.113.9',
      is404: false,
      routeOptions: { url: '/orders/:id' },
    }
    const reply = { raw: res, header: noop }
    hooks.onRequest?.(fastifyRequest, reply, noop)
    hooks.onResponse?.(fastifyRequest, reply, noop)
  }

  // The line alone, the request already set up.
  const pinoHttpChild = pino({}, sink()).child({ req: pinoHttp.stdSerializers.req(lineReq) })
  const fastifyChild = fastifyLog.child({ reqId: 'req-1' }, {})
  const kitChild: Logger = bindRequestLogger(kit, HEADERS['x-request-id'])

  return {
    [`${label} express: pino-http (README wiring)`]: throughMiddleware(
      pinoHttp({}, sink()) as unknown as Middleware,
    ),
    [`${label} express: @kit/logger requestLogger`]: throughMiddleware(
      requestLogger(kit) as unknown as Middleware,
    ),
    [`${label} fastify: Fastify's own logger (2 lines)`]: fastifyOwnLogger,
    [`${label} fastify: @kit/logger (options + plugin)`]: kitFastify,
    [`${label} line only: pino-http`]: () =>
      pinoHttpChild.info(
        { res: pinoHttp.stdSerializers.res(lineRes), responseTime: 0.42 },
        'request completed',
      ),
    [`${label} line only: Fastify's 'request completed'`]: () =>
      fastifyChild.info({ res: { statusCode: 200 }, responseTime: 0.42 }, 'request completed'),
    [`${label} line only: @kit/logger`]: () =>
      logRequestLine(
        new ActiveRequest(HEADERS['x-request-id'], kitChild, performance.now()),
        config,
        lineReq,
        lineRes,
        facts,
      ),
  }
}

const TASKS: Record<string, () => void> = {
  'node:http objects only (subtract from per-request tasks)': () => request(ExpressShapedRequest),
  ...tasksFor(nullSink as unknown as () => pino.DestinationStream, '[serialise]'),
  ...tasksFor(devNull, '[/dev/null]'),
}

const COMPARISONS: [kitTask: string, baseline: string][] = ['[serialise]', '[/dev/null]'].flatMap((label) => [
  [`${label} express: @kit/logger requestLogger`, `${label} express: pino-http (README wiring)`],
  [`${label} fastify: @kit/logger (options + plugin)`, `${label} fastify: Fastify's own logger (2 lines)`],
  [`${label} line only: @kit/logger`, `${label} line only: pino-http`],
  [`${label} line only: @kit/logger`, `${label} line only: Fastify's 'request completed'`],
]) as [string, string][]

const names = Object.keys(TASKS)
const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TIME, warmupTime: 50 })
  const order = names.map((_, i) => names[(i + round) % names.length] as string)
  for (const name of order) bench.add(name, TASKS[name] as () => void)
  await bench.run()
  for (const task of bench.tasks) samples[task.name]?.push((task.result?.latency?.p50 ?? Number.NaN) * 1000)
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`)
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}
console.log(`\nLogging work per request, µs (median of ${ROUNDS} interleaved rounds)`)
console.table(
  names.map((name) => ({ task: name, 'µs/request': median(samples[name] as number[]).toFixed(2) })),
)
console.log('\nkit ÷ baseline (median of per-round ratios; below 1 means kit is cheaper)')
console.table(
  COMPARISONS.map(([mine, theirs]) => ({
    kit: mine,
    baseline: theirs,
    ratio: median((samples[mine] as number[]).map((v, i) => v / (samples[theirs] as number[])[i]!)).toFixed(
      2,
    ),
  })),
)
console.log(`(${written} characters of log written)`)
