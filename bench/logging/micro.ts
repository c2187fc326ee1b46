/**
 * In-process costs behind the HTTP numbers (tinybench, same process, same
 * sink): the per-request work of each request logger on real node:http
 * objects (no socket I/O), redaction on typical log objects, and the two
 * ways a line in a request gets its id. Run: pnpm exec tsx bench/logging/micro.ts
 */
import { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { Socket } from 'node:net'
import { pino } from 'pino'
import { Bench } from 'tinybench'
import { getRequestContext } from '../../packages/logger/src/context.ts'
import { requestLogger } from '../../packages/logger/src/express.ts'
import { createLogger } from '../../packages/logger/src/index.ts'

const require = createRequire(new URL('../../packages/logger/package.json', import.meta.url))
const pinoHttp = require('pino-http') as typeof import('pino-http').default

const sink = () => pino.destination({ dest: '/dev/null', sync: true })
const env = { NODE_ENV: 'production', LOG_LEVEL: 'info' }
const kit = createLogger({ destination: sink() }, { env })
const plain = pino(sink())
const socket = new Socket()

function request(): [IncomingMessage, ServerResponse] {
  const req = new IncomingMessage(socket)
  req.method = 'GET'
  req.url = '/hello?x=1'
  req.headers = {
    host: '127.0.0.1:3000',
    'user-agent': 'autocannon',
    accept: '*/*',
    connection: 'keep-alive',
  }
  const res = new ServerResponse(req)
  res.statusCode = 200
  return [req, res]
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void
function perRequest(middleware: Middleware) {
  return () => {
    const [req, res] = request()
    middleware(req, res, () => {})
    res.emit('finish')
    res.emit('close')
  }
}

const requests = new Bench({ time: 1500 })
requests
  .add(
    'node:http objects only (baseline)',
    perRequest((_q, _s, next) => next()),
  )
  .add('pino-http (README wiring)', perRequest(pinoHttp({}, sink()) as Middleware))
  .add('@kit/logger requestLogger', perRequest(requestLogger(kit) as Middleware))

const headers = { host: 'x', authorization: 'Bearer abcdefghijkl', cookie: 'sid=1234567890', accept: '*/*' }
const lines = new Bench({ time: 1000 })
lines
  .add('pino, { userId, action }', () => plain.info({ userId: 42, action: 'login' }, 'user logged in'))
  .add('kit, { userId, action }', () => kit.info({ userId: 42, action: 'login' }, 'user logged in'))
  .add('pino, { headers } (leaks)', () => plain.info({ headers }, 'headers'))
  .add('kit, { headers } (redacted)', () => kit.info({ headers }, 'headers'))
  .add('pino, 3 string fields', () => plain.info({ a: 'checkout', b: 'card', c: 'eu-west' }, 'paid'))
  .add('kit, 3 string fields', () => kit.info({ a: 'checkout', b: 'card', c: 'eu-west' }, 'paid'))

// The request id on a line: the root logger reading AsyncLocalStorage (mixin) vs the request's child logger.
const kitMiddleware = requestLogger(kit) as Middleware
const inRequest = (work: () => void) => () => {
  const [req, res] = request()
  kitMiddleware(req, res, work)
}
const context = new Bench({ time: 1000 })
context
  .add(
    'root log.info() inside a request (mixin)',
    inRequest(() => kit.info('x')),
  )
  .add(
    'req.log.info() inside a request (bound child)',
    inRequest(() => getRequestContext()?.log.info('x')),
  )
  .add(
    'middleware alone, no line (subtract from the two above)',
    inRequest(() => {}),
  )

for (const [title, bench] of [
  ['Per request (middleware + one request line)', requests],
  ['Per app log line', lines],
  ['Request id on app lines', context],
] as const) {
  await bench.run()
  console.log(`\n${title}`)
  console.table(
    bench.tasks.map((task) => ({
      task: task.name,
      'µs/op (median)':
        task.result?.latency?.p50 !== undefined ? (task.result.latency.p50 * 1000).toFixed(2) : '?',
    })),
  )
}
