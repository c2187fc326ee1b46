import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import fastifyCors from '@fastify/cors'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import rateLimit from 'express-rate-limit'
import Fastify from 'fastify'
import helmet from 'helmet'
import { describe, expect, it } from 'vitest'
import { fastifyOptions, type KitConfig, productionize } from '../src/index.ts'

// Loaded untyped: pino-http's declarations augment http.IncomingMessage for the whole program (req.id: ReqId), and cors and morgan ship none.
const require = createRequire(import.meta.url)
const cors = require('cors') as () => express.RequestHandler
const morgan = require('morgan') as (format: string, options: object) => express.RequestHandler
const pinoHttp = require('pino-http') as (options: object) => express.RequestHandler

function testConfig(logs: MemoryStream, extra: KitConfig = {}): KitConfig {
  return {
    envSource: { NODE_ENV: 'test' },
    health: { signals: false },
    logger: { destination: logs },
    ...extra,
  }
}

function warningsIn(logs: MemoryStream): string[] {
  return logs
    .lines()
    .filter((l) => typeof l.warning === 'string')
    .map((l) => String(l.warning))
}

/** The app served the way supertest does: a node:http server made from the app, no kit.listen(). */
async function serveExpress(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

describe('Express: middleware kit replaces', () => {
  it('warns once per duplicate (helmet, cors, pino-http, morgan, express-rate-limit) with the fix, at listen', async () => {
    const logs = new MemoryStream()
    const app = express()
    const kit = await productionize(app, testConfig(logs))
    app.use(helmet())
    app.use(cors())
    app.use(pinoHttp({ logger: kit.log as never }))
    app.use(morgan('tiny', { stream: { write: () => {} } }))
    app.use(rateLimit({ limit: 1000, validate: false }))
    app.get('/', (_req, res) => {
      res.send('ok')
    })
    const server = await kit.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    await fetch(url)
    await fetch(url)
    expect(warningsIn(logs).sort()).toEqual(['cors', 'express-rate-limit', 'helmet', 'morgan', 'pino-http'])
    const helmetLine = logs.lines().find((l) => l.warning === 'helmet')
    expect(helmetLine?.msg).toContain('remove `app.use(helmet())`')
    expect(helmetLine?.level).toBe(40)
    await kit.shutdown()
  })

  it('inspects on the first request when the app is served without kit.listen(), and finds them in mounted routers', async () => {
    const logs = new MemoryStream()
    const app = express()
    const kit = await productionize(app, testConfig(logs))
    const api = express.Router()
    api.use(cors())
    api.get('/hello', (_req, res) => {
      res.json({ hello: true })
    })
    app.use('/api', api)
    const { url, server } = await serveExpress(app)
    expect(warningsIn(logs)).toEqual([])
    expect((await fetch(`${url}/api/hello`)).status).toBe(200)
    expect(warningsIn(logs)).toEqual(['cors'])
    server.close()
    await kit.shutdown()
  })

  it('says nothing for an app with none of them, and honours silenceWarnings', async () => {
    const logs = new MemoryStream()
    const app = express()
    const kit = await productionize(app, testConfig(logs, { silenceWarnings: ['helmet'] }))
    app.use(helmet())
    app.get('/', (_req, res) => {
      res.send('ok')
    })
    await kit.listen({ port: 0, host: '127.0.0.1' })
    expect(warningsIn(logs)).toEqual([])
    await kit.shutdown()
  })

  it("one kit.config silenceWarnings list silences @kit/security's warnings too", async () => {
    const csp = { 'script-src': ["'self'", "'unsafe-inline'"] }
    const warned = async (extra: KitConfig) => {
      const logs = new MemoryStream()
      const kit = await productionize(express(), testConfig(logs, { csp, ...extra }))
      await kit.shutdown()
      return warningsIn(logs)
    }
    expect(await warned({})).toContain('csp-unsafe-inline')
    expect(await warned({ silenceWarnings: ['csp-unsafe-inline'] })).not.toContain('csp-unsafe-inline')
  })

  it('warns when routes were added before productionize()', async () => {
    const logs = new MemoryStream()
    const app = express()
    app.get('/early', (_req, res) => {
      res.send('no headers for me')
    })
    const kit = await productionize(app, testConfig(logs))
    expect(warningsIn(logs)).toEqual(['routes-before-productionize'])
    expect(logs.lines().find((l) => l.warning)?.msg).toContain('1 route(s)')
    await kit.shutdown()
  })
})

describe('Fastify: plugins kit replaces', () => {
  it('warns once per duplicate (@fastify/helmet, @fastify/cors, @fastify/rate-limit), not for the one kit uses itself', async () => {
    const logs = new MemoryStream()
    const config = testConfig(logs)
    const app = Fastify(fastifyOptions(config) as never)
    const kit = await productionize(app, config)
    await app.register(fastifyHelmet)
    await app.register(fastifyCors)
    await app.register(fastifyRateLimit, { max: 1000 })
    app.get('/', async () => 'ok')
    await kit.listen({ port: 0, host: '127.0.0.1' })
    expect(warningsIn(logs).sort()).toEqual(['@fastify/cors', '@fastify/helmet', '@fastify/rate-limit'])
    await kit.shutdown()
  })

  it('says nothing for an app with none of them (kit registers @fastify/rate-limit itself)', async () => {
    const logs = new MemoryStream()
    const config = testConfig(logs)
    const app = Fastify(fastifyOptions(config) as never)
    const kit = await productionize(app, config)
    app.get('/', async () => 'ok')
    await kit.listen({ port: 0, host: '127.0.0.1' })
    expect(warningsIn(logs)).toEqual([])
    await kit.shutdown()
  })

  it('warns when routes were registered before productionize()', async () => {
    const logs = new MemoryStream()
    const config = testConfig(logs)
    const app = Fastify(fastifyOptions(config) as never)
    app.get('/early', async () => 'no hooks for me')
    const kit = await productionize(app, config)
    expect(warningsIn(logs)).toEqual(['routes-before-productionize'])
    await kit.shutdown()
  })
})
