/**
 * Express 5 variants. Each returns a started server's port; every variant
 * answers GET /hello with "hello" and POST /echo with `{ ok: true, items }`.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type KitConfig, productionize } from '@kit/core'
import cors from 'cors'
import express from 'express'
import { rateLimit } from 'express-rate-limit'
import helmet from 'helmet'
import { pino } from 'pino'
import { pinoHttp } from 'pino-http'
import {
  ALLOWED_ORIGINS,
  BODY_LIMIT,
  echoAnswer,
  HELLO,
  kitEnv,
  logSink,
  RATE_LIMIT_PER_MINUTE,
} from '../shared.ts'
import { BENCH_FLAG_STATES, type EverythingOptions, everythingConfig, readyRedis } from './extras.ts'

type App = express.Express

function routes(app: App, json?: express.RequestHandler): void {
  app.get('/hello', (_req, res) => {
    res.send(HELLO)
  })
  const echo: express.RequestHandler = (req, res) => {
    res.json(echoAnswer(req.body))
  }
  if (json) app.post('/echo', json, echo)
  else app.post('/echo', echo)
}

function listen(app: App): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    server.once('error', reject)
  })
}

/** No middleware: the floor. The body is parsed on POST /echo only, since the route needs it. */
export async function bare(): Promise<number> {
  const app = express()
  routes(app, express.json({ limit: BODY_LIMIT }))
  return listen(app)
}

/**
 * Issue 21's diagnostic: the bare app with each request run inside an
 * AsyncLocalStorage, as kit's request context does. On Node 20 the first
 * run() turns on async hooks for every promise and resource, so the
 * difference from `bare` is what request context costs, whoever provides it.
 */
export async function bareWithContext(): Promise<number> {
  const { AsyncLocalStorage } = await import('node:async_hooks')
  const storage = new AsyncLocalStorage<{ id: number }>()
  let id = 0
  const app = express()
  app.use((_req, _res, next) => {
    storage.run({ id: ++id }, next)
  })
  routes(app, express.json({ limit: BODY_LIMIT }))
  return listen(app)
}

/** Issue 3's hand-wired logging: pino-http exactly as its README shows it. */
export async function pinoHttpOnly(): Promise<number> {
  const app = express()
  app.use(pinoHttp(pino(logSink())))
  routes(app, express.json({ limit: BODY_LIMIT }))
  return listen(app)
}

/**
 * Each library as its README wires it: `app.use(pinoHttp())`, `helmet()`,
 * `cors({ origin: [...] })`, express-rate-limit's README options,
 * `app.use(express.json())` for every request.
 */
export async function readme(options: { sentry?: boolean; redis?: boolean } = {}): Promise<number> {
  const app = express()
  // rate-limit-redis as its README wires it, on an ioredis client (issue 21's Redis comparison).
  const store = options.redis ? await redisStore() : undefined
  app.set('trust proxy', 'loopback')
  app.use(pinoHttp(pino(logSink())))
  app.use(helmet())
  app.use(cors({ origin: [...ALLOWED_ORIGINS] }))
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      ipv6Subnet: 56,
      ...(store ? { store } : {}),
    }),
  )
  app.use(express.json({ limit: BODY_LIMIT }))
  routes(app)
  // Sentry's Express guide: after every route, before any other error middleware.
  if (options.sentry) (await import('@sentry/node')).setupExpressErrorHandler(app)
  return listen(app)
}

async function redisStore() {
  const { RedisStore } = await import('rate-limit-redis')
  const client = await readyRedis()
  return new RedisStore({ sendCommand: (...args: string[]) => client.call(...(args as [string])) as never })
}

/**
 * The same libraries tuned by someone who has profiled them: one small log
 * line per request (trimmed serializers, no per-request child with every
 * header), options built once, express-rate-limit's start-up validations off,
 * the body parser only on the route that takes a body.
 */
export async function expert(): Promise<number> {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.use(
    pinoHttp({
      logger: pino(logSink()),
      quietReqLogger: true,
      wrapSerializers: false,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  )
  app.use(helmet())
  const corsOptions = { origin: [...ALLOWED_ORIGINS] }
  app.use(cors(corsOptions))
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      ipv6Subnet: 56,
      validate: false,
    }),
  )
  routes(app, express.json({ limit: BODY_LIMIT }))
  return listen(app)
}

function kitConfig(env: Record<string, string | undefined>, extra: KitConfig = {}): KitConfig {
  return { envSource: env, logger: { destination: logSink() }, ...extra }
}

async function kitListen(kit: { listen(o: { port: number; host: string }): Promise<Server> }) {
  const server = await kit.listen({ port: 0, host: '127.0.0.1' })
  return (server.address() as AddressInfo).port
}

/** Issue 3: productionize() with logging only (security, rate limits and load shedding off). */
export async function kitLoggingOnly(): Promise<number> {
  const app = express()
  const kit = await productionize(
    app,
    kitConfig(kitEnv(), { security: false, rateLimit: false, health: { loadShedding: false } }),
  )
  routes(app)
  return kitListen(kit)
}

/** productionize() with its defaults: everything the README-style stack does, and more (see README). */
export async function kitDefaults(options: { sentry?: boolean } = {}): Promise<number> {
  const app = express()
  const env = kitEnv(options.sentry ? { SENTRY_DSN: process.env.SENTRY_DSN } : {})
  const kit = await productionize(app, kitConfig(env))
  routes(app)
  return kitListen(kit)
}

/**
 * Everything on: rate limits in Redis (REDIS_URL), Sentry (SENTRY_DSN to a
 * local sink, preloaded with --import @kit/sentry/instrument), flags, and
 * metrics (kit.config `metrics: {}`).
 */
export async function kitEverything(options: EverythingOptions = {}): Promise<number> {
  const app = express()
  const kit = await productionize(
    app,
    kitConfig(
      kitEnv({
        REDIS_URL: options.redis === false ? undefined : process.env.REDIS_URL,
        SENTRY_DSN: options.sentry === false ? undefined : process.env.SENTRY_DSN,
        FEATURE_FLAGS: BENCH_FLAG_STATES,
      }),
      everythingConfig(options),
    ),
  )
  app.get('/hello', (req, res) => {
    req.flags?.isEnabled('newGreeting')
    res.send(HELLO)
  })
  app.post('/echo', (req, res) => {
    req.flags?.isEnabled('newGreeting')
    res.json(echoAnswer(req.body))
  })
  return kitListen(kit)
}
