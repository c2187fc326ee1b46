/**
 * One server variant per process (argv[2]), for bench/logging/run.ts.
 * Every variant answers GET /hello with "hello" and logs (if it logs at all)
 * to the same kind of sink: a synchronous pino destination on /dev/null.
 * The parent asks for process.cpuUsage() over IPC, so measuring costs no
 * request.
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { pino } from 'pino'
import { requestLogger } from '../../packages/logger/src/express.ts'
import { fastifyLoggerOptions, kitLoggerPlugin } from '../../packages/logger/src/fastify.ts'
import { createLogger } from '../../packages/logger/src/index.ts'

// pino-http is a dev dependency of @kit/logger (the baseline it is measured against).
const require = createRequire(new URL('../../packages/logger/package.json', import.meta.url))
const pinoHttp = require('pino-http') as typeof import('pino-http').default

const sink = () => pino.destination({ dest: '/dev/null', sync: true })
const kitLog = () =>
  createLogger({ destination: sink() }, { env: { NODE_ENV: 'production', LOG_LEVEL: 'info' } })

type Listen = () => Promise<number>

function expressApp(setup: (app: express.Express) => void): Listen {
  const app = express()
  setup(app)
  app.get('/hello', (_req, res) => {
    res.send('hello')
  })
  return () =>
    new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
}

function fastifyApp(
  app: ReturnType<typeof Fastify>,
  setup?: (app: ReturnType<typeof Fastify>) => void,
): Listen {
  setup?.(app)
  app.get('/hello', async () => 'hello')
  return async () => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    return (app.server.address() as AddressInfo).port
  }
}

export const VARIANTS: Record<string, () => Listen> = {
  'express bare': () => expressApp(() => {}),
  // As pino-http's README wires it: app.use(pinoHttp(...)), default serializers, one line per request.
  'express + pino-http': () => expressApp((app) => app.use(pinoHttp({}, sink()))),
  'express + @kit/logger': () => expressApp((app) => app.use(requestLogger(kitLog()))),
  'fastify bare': () => fastifyApp(Fastify()),
  // Fastify's own logger, as its docs show it: two lines per request (incoming, completed).
  'fastify + own logger': () => fastifyApp(Fastify({ logger: { level: 'info', stream: sink() } })),
  'fastify + @kit/logger': () => {
    const log = kitLog()
    const app = Fastify({ ...fastifyLoggerOptions(log) }) as unknown as ReturnType<typeof Fastify>
    return fastifyApp(app, (a) => a.register(kitLoggerPlugin))
  },
  // What productionize() does with an instance created without kit's options.
  'fastify + @kit/logger plugin only': () =>
    fastifyApp(Fastify(), (a) => a.register(kitLoggerPlugin, { log: kitLog() })),
}

const name = process.argv[2] ?? ''
const make = VARIANTS[name]
if (!make || !process.send) {
  console.error(`usage: run through bench/logging/run.ts; variants: ${Object.keys(VARIANTS).join(', ')}`)
  process.exit(1)
}
const port = await make()()
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
  if (message === 'exit') process.exit(0)
})
process.send({ port })
