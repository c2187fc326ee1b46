/**
 * One server variant per process (argv[2]), for bench/rate-limit/run.ts.
 * Every variant answers GET /hello with "hello" and limits it with a limit so
 * high that no request is refused (the cost measured is counting, not 429s).
 * Redis variants talk to REDIS_URL. Over IPC the parent asks for
 * process.cpuUsage() and for the number of commands this process sent to
 * Redis (each one a round trip), so measuring costs no request.
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
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
const variant = process.argv[2] ?? ''

let commandsSent = 0
function redisClient(): Redis {
  const client = new Redis(process.env.REDIS_URL!, {
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
  })
  // Every command, scripts included, goes through sendCommand: count round trips at the source.
  const send = client.sendCommand.bind(client)
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    commandsSent++
    return send(...args)
  }) as Redis['sendCommand']
  return client
}

type Listen = () => Promise<number>

function expressApp(setup: (app: express.Express) => void): Listen {
  const app = express()
  app.disable('x-powered-by')
  setup(app)
  app.get('/hello', (_req, res) => {
    res.send('hello')
  })
  return () =>
    new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
}

function fastifyApp(setup: (app: ReturnType<typeof Fastify>) => Promise<void>): Listen {
  const app = Fastify()
  return async () => {
    await setup(app)
    app.get('/hello', async () => 'hello')
    await app.listen({ port: 0, host: '127.0.0.1' })
    return (app.server.address() as AddressInfo).port
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

const variants: Record<string, () => Listen> = {
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

const make = variants[variant]
if (!make)
  throw new Error(`unknown variant ${JSON.stringify(variant)}; one of: ${Object.keys(variants).join(', ')}`)
const port = await make()()
process.on('message', (message) => {
  if (message === 'stats') process.send!({ cpu: process.cpuUsage(), commandsSent })
  // A clean exit, so that --cpu-prof writes its profile.
  if (message === 'exit') process.exit(0)
})
process.send!({ port })
