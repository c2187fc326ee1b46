/**
 * Fastify 5 variants: the same routes and features as the Express ones, with
 * @fastify/helmet, @fastify/cors, @fastify/rate-limit and Fastify's logger.
 */
import type { AddressInfo } from 'node:net'
import fastifyCors from '@fastify/cors'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import { fastifyOptions, type KitConfig, productionize } from '@kit/core'
import Fastify, { type FastifyInstance } from 'fastify'
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

function routes(app: FastifyInstance): void {
  app.get('/hello', async () => HELLO)
  app.post('/echo', async (request) => echoAnswer(request.body))
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as AddressInfo).port
}

/** No plugins, no logger: the floor. */
export async function bare(): Promise<number> {
  const app = Fastify({ bodyLimit: BODY_LIMIT })
  routes(app)
  return listen(app)
}

/** Issue 3's hand-wired logging: Fastify's own logger as its docs show it (two lines per request). */
export async function ownLoggerOnly(): Promise<number> {
  const app = Fastify({ logger: { level: 'info', stream: logSink() }, bodyLimit: BODY_LIMIT })
  routes(app)
  return listen(app)
}

/** Issue 21's diagnostic: the bare app with each request run inside an AsyncLocalStorage (see the Express one). */
export async function bareWithContext(): Promise<number> {
  const { AsyncLocalStorage } = await import('node:async_hooks')
  const storage = new AsyncLocalStorage<{ id: number }>()
  let id = 0
  const app = Fastify({ bodyLimit: BODY_LIMIT })
  app.addHook('onRequest', (_request, _reply, done) => {
    storage.run({ id: ++id }, done)
  })
  routes(app)
  return listen(app)
}

/** Each plugin as its README registers it, with the same allow-list and limits as Express. */
export async function readme(options: { sentry?: boolean; redis?: boolean } = {}): Promise<number> {
  const app = Fastify({
    logger: { level: 'info', stream: logSink() },
    trustProxy: '127.0.0.1',
    bodyLimit: BODY_LIMIT,
  })
  // Sentry's Fastify guide: right after creating the app, before the routes.
  if (options.sentry) (await import('@sentry/node')).setupFastifyErrorHandler(app)
  await app.register(fastifyHelmet)
  await app.register(fastifyCors, { origin: [...ALLOWED_ORIGINS] })
  await app.register(fastifyRateLimit, {
    max: RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // @fastify/rate-limit's README: `redis: new Redis(...)` (issue 21's Redis comparison).
    ...(options.redis ? { redis: await readyRedis() } : {}),
  })
  routes(app)
  return listen(app)
}

/**
 * Tuned by hand: Fastify's two request lines replaced by one (onResponse
 * hook), request ids taken from X-Request-Id, options built once, the
 * rate limiter's time window given in milliseconds.
 */
export async function expert(): Promise<number> {
  const app = Fastify({
    logger: { level: 'info', stream: logSink() },
    disableRequestLogging: true,
    requestIdHeader: 'x-request-id',
    trustProxy: '127.0.0.1',
    bodyLimit: BODY_LIMIT,
  })
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTime: reply.elapsedTime,
      },
      'request completed',
    )
    done()
  })
  await app.register(fastifyHelmet, { global: true })
  await app.register(fastifyCors, { origin: [...ALLOWED_ORIGINS] })
  await app.register(fastifyRateLimit, { max: RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 })
  routes(app)
  return listen(app)
}

function kitConfig(env: Record<string, string | undefined>, extra: KitConfig = {}): KitConfig {
  return { envSource: env, logger: { destination: logSink() }, ...extra }
}

async function kitApp(config: KitConfig) {
  const app = Fastify(fastifyOptions(config)) as unknown as FastifyInstance
  const kit = await productionize(app, config)
  return { app, kit }
}

async function kitListen(kit: Awaited<ReturnType<typeof kitApp>>['kit']): Promise<number> {
  const server = await kit.listen({ port: 0, host: '127.0.0.1' })
  return (server.address() as AddressInfo).port
}

/** Issue 3: productionize() with logging only. */
export async function kitLoggingOnly(): Promise<number> {
  const { app, kit } = await kitApp(
    kitConfig(kitEnv(), { security: false, rateLimit: false, health: { loadShedding: false } }),
  )
  routes(app)
  return kitListen(kit)
}

/** productionize() with its defaults, created the documented way: `Fastify(fastifyOptions(config))`. */
export async function kitDefaults(options: { sentry?: boolean } = {}): Promise<number> {
  const env = kitEnv(options.sentry ? { SENTRY_DSN: process.env.SENTRY_DSN } : {})
  const { app, kit } = await kitApp(kitConfig(env))
  routes(app)
  return kitListen(kit)
}

/** Everything on: Redis rate limits, Sentry to a local sink (preloaded), flags, metrics. */
export async function kitEverything(options: EverythingOptions = {}): Promise<number> {
  const { app, kit } = await kitApp(
    kitConfig(
      kitEnv({
        REDIS_URL: options.redis === false ? undefined : process.env.REDIS_URL,
        SENTRY_DSN: options.sentry === false ? undefined : process.env.SENTRY_DSN,
        FEATURE_FLAGS: BENCH_FLAG_STATES,
      }),
      everythingConfig(options),
    ),
  )
  app.get('/hello', async (request) => {
    request.flags?.isEnabled('newGreeting')
    return HELLO
  })
  app.post('/echo', async (request) => {
    request.flags?.isEnabled('newGreeting')
    return echoAnswer(request.body)
  })
  return kitListen(kit)
}
