import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { pino } from 'pino'
import { ActiveRequest } from '../../packages/logger/src/context.ts'
import { requestLogger } from '../../packages/logger/src/express.ts'
import { createLogger } from '../../packages/logger/src/index.ts'
import { logRequestLine } from '../../packages/logger/src/request-line.ts'
import { parseRequestLoggerOptions } from '../../packages/logger/src/request-options.ts'
import { bindRequestLogger } from '../../packages/logger/src/request-start.ts'

let w = 0
const kit = createLogger(
  {
    destination: {
      write(s: string) {
        w += s.length
      },
    } as any,
  },
  { env: { NODE_ENV: 'production' } },
)
const socket = new Socket()
const HEADERS = {
  host: 'api.example.com',
  'user-agent':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'x-request-id': '2c6f6b0e-3d4a-4d5e-9f1a-7b8c9d0e1f2a',
}
const mode = process.argv[2]
const mw = requestLogger(kit) as any

import { fastifyLoggerOptions, kitLoggerPlugin } from '../../packages/logger/src/fastify.ts'

const fo = fastifyLoggerOptions(kit)
const hooks: any = {}
;(kitLoggerPlugin as any)(
  {
    log: kit,
    setGenReqId() {},
    addHook(n: string, h: any) {
      hooks[n] = h
    },
  },
  {},
  () => {},
)
const noop = () => {}
const config = parseRequestLoggerOptions({})
const child = bindRequestLogger(kit, 'abc')
const req0 = new IncomingMessage(socket)
const res0 = new ServerResponse(req0)
const facts = {
  method: 'GET',
  url: '/orders/42?page=2',
  route: '/orders/:id',
  status: 200,
  ip: '203.0.113.9',
  userAgent: HEADERS['user-agent'],
  aborted: false,
}
const t = performance.now()
for (let i = 0; i < 1_000_000; i++) {
  if (mode === 'fastify') {
    const req = new IncomingMessage(socket)
    req.method = 'GET'
    req.url = '/orders/42?page=2'
    req.headers = HEADERS
    const res = new ServerResponse(req)
    res.statusCode = 200
    const id = fo.genReqId(req)
    const log = fo.childLoggerFactory(kit, { reqId: id }, {})
    const r = {
      id,
      log,
      raw: req,
      method: 'GET',
      headers: HEADERS,
      ip: '203.0.113.9',
      is404: false,
      routeOptions: { url: '/orders/:id' },
    }
    const reply = { raw: res, header: noop }
    hooks.onRequest(r, reply, noop)
    hooks.onResponse(r, reply, noop)
  } else if (mode === 'line')
    logRequestLine(new ActiveRequest('abc', child, performance.now()), config, req0, res0, facts)
  else {
    const req = new IncomingMessage(socket)
    req.method = 'GET'
    req.url = '/orders/42?page=2'
    req.headers = HEADERS
    const res = new ServerResponse(req)
    res.statusCode = 200
    mw(req, res, () => {})
    res.emit('finish')
    res.emit('close')
  }
}
console.error(mode, ((performance.now() - t) / 1000).toFixed(3), 'µs/op')
