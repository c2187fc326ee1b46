/**
 * The variants compared by run.ts (one per process) and micro.ts (in
 * process). Every variant answers GET /hello with "hello" and limits it with
 * a limit so high that no request is refused: the cost measured is counting,
 * not refusing. Redis variants talk to REDIS_URL through a client that counts
 * the commands it sends (each one a round trip).
 */
import { createRequire } from 'node:module'
import express from 'express'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { bruteForce, rateLimits } from '../../packages/rate-limit/src/express.ts'
import { kitRateLimit } from '../../packages/rate-limit/src/fastify.ts'
import { createRateLimits } from '../../packages/rate-limit/src/index.ts'

// The hand-wired baselines are @kit/rate-limit's own (dev) dependencies.
const require = createRequire(new URL('../../packages/rate-limit/package.json', import.meta.url))
const { rateLimit } = require('express-rate-limit') as typeof import('express-rate-limit')
const { RedisStore } = require('rate-limit-redis') as typeof import('rate-limit-redis')
const fastifyRateLimit = require('@fastify/rate-limit')

const LIMIT = 1_000_000_000
export const counters = { commandsSent: 0 }
const clients: Redis[] = []

/** Resolves once every Redis client made so far is connected (measure nothing before). */
export async function clientsReady(): Promise<void> {
  const deadline = Date.now() + 30_000
  while (clients.some((c) => c.status !== 'ready')) {
    if (Date.now() > deadline) throw new Error('Redis did not become ready in 30 s')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function redisClient(): Redis {
  const client = new Redis(process.env.REDIS_URL!, {
    connectTimeout: 5000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
  })
  clients.push(client)
  // Every command, scripts included, goes through sendCommand: count round trips at the source.
  const send = client.sendCommand.bind(client)
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    counters.commandsSent++
    return send(...args)
  }) as Redis['sendCommand']
  return client
}

export type Built =
  | { kind: 'express'; app: express.Express }
  | { kind: 'fastify'; app: ReturnType<typeof Fastify> }
type Build = () => Promise<Built>

function expressApp(setup: (app: express.Express) => void): Build {
  return async () => {
    const app = express()
    app.disable('x-powered-by')
    setup(app)
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    return { kind: 'express', app }
  }
}

function fastifyApp(setup: (app: ReturnType<typeof Fastify>) => Promise<void>): Build {
  return async () => {
    const app = Fastify()
    await setup(app)
    app.get('/hello', async () => 'hello')
    await app.ready()
    return { kind: 'fastify', app }
  }
}

const kitLimits = (redis?: Redis) =>
  createRateLimits({ tiers: { global: { perMinute: LIMIT } } }, redis ? { redis } : {})

// As express-rate-limit's README wires it (IETF draft-8 headers), with our IPv6 grouping.
const handErl = (store?: unknown) =>
  rateLimit({
    windowMs: 60_000,
    limit: LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ipv6Subnet: 56,
    ...(store ? { store: store as never } : {}),
  })

export const variants: Record<string, () => Build> = {
  'express bare': () => expressApp(() => {}),
  'express + express-rate-limit (memory)': () => expressApp((app) => app.use(handErl())),
  'express + express-rate-limit + rate-limit-redis': () => {
    const client = redisClient()
    return expressApp((app) =>
      app.use(
        handErl(
          new RedisStore({ sendCommand: (...args: string[]) => client.call(...(args as [string])) as never }),
        ),
      ),
    )
  },
  'express + @kit/rate-limit (memory)': () => {
    const limits = kitLimits()
    return expressApp((app) => {
      app.use(rateLimits(limits))
      app.use(bruteForce(limits))
    })
  },
  'express + @kit/rate-limit (redis)': () => {
    const limits = kitLimits(redisClient())
    return expressApp((app) => {
      app.use(rateLimits(limits))
      app.use(bruteForce(limits))
    })
  },
  'fastify bare': () => fastifyApp(async () => {}),
  'fastify + @fastify/rate-limit (memory)': () =>
    fastifyApp(async (app) => {
      await app.register(fastifyRateLimit, { max: LIMIT, timeWindow: 60_000 })
    }),
  'fastify + @fastify/rate-limit (redis)': () => {
    const client = redisClient()
    return fastifyApp(async (app) => {
      await app.register(fastifyRateLimit, { max: LIMIT, timeWindow: 60_000, redis: client })
    })
  },
  'fastify + @kit/rate-limit (memory)': () =>
    fastifyApp(async (app) => {
      await app.register(kitRateLimit, { limits: kitLimits() })
    }),
  'fastify + @kit/rate-limit (redis)': () => {
    const limits = kitLimits(redisClient())
    return fastifyApp(async (app) => {
      await app.register(kitRateLimit, { limits })
    })
  },
}
