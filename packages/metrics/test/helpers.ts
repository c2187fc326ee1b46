import { Agent, request } from 'node:http'
import {
  type ListeningApp,
  listenExpress,
  listenFastify,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { metricsMiddleware } from '../src/express.ts'
import { kitMetrics } from '../src/fastify.ts'
import type { Metrics } from '../src/index.ts'

export type Framework = 'express' | 'fastify'
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify']

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Blocks the event loop, as a CPU-heavy handler does. */
export function busy(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) {}
}

/** Polls `condition` until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/**
 * The same app on both frameworks, wired as core wires it (metrics first,
 * answering the endpoint and recording the rest): GET /hello, GET /users/:id,
 * GET /boom (500), GET /slow?ms=, GET /block?ms= (blocks the loop),
 * GET /limited (a 429 carrying @kit/rate-limit's draft-8 header), and a
 * router (Express) or prefixed plugin (Fastify) at /api with
 * GET /api/items/:id and GET /api/fail/:id (throws).
 */
export async function serve(framework: Framework, metrics: Metrics): Promise<ListeningApp> {
  if (framework === 'express') {
    const app = express()
    app.use(metricsMiddleware(metrics))
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    app.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id })
    })
    app.get('/boom', (_req, res) => {
      res.status(500).json({ error: 'boom' })
    })
    app.get('/slow', async (req, res) => {
      await sleep(Number(req.query.ms ?? 100))
      res.send('slow')
    })
    app.get('/block', (req, res) => {
      busy(Number(req.query.ms ?? 300))
      res.send('blocked')
    })
    app.get('/limited', (_req, res) => {
      res.setHeader('RateLimit-Policy', '"global";q=100;w=60, "auth";q=5;w=60')
      res.setHeader('RateLimit', '"global";r=90;t=30, "auth";r=0;t=42')
      res.status(429).send('slow down')
    })
    const api = express.Router()
    api.get('/items/:id', (req, res) => {
      res.json({ id: req.params.id })
    })
    api.get('/fail/:id', () => {
      throw new Error('failed on purpose')
    })
    app.use('/api', api)
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: error.message })
    })
    return listenExpress(app)
  }
  const app = Fastify()
  await app.register(kitMetrics, { metrics })
  app.get('/hello', async () => 'hello')
  app.get('/users/:id', async (request) => ({ id: (request.params as { id: string }).id }))
  app.get('/boom', async (_request, reply) => reply.code(500).send({ error: 'boom' }))
  app.get('/slow', async (request) => {
    await sleep(Number((request.query as { ms?: string }).ms ?? 100))
    return 'slow'
  })
  app.get('/block', async (request) => {
    busy(Number((request.query as { ms?: string }).ms ?? 300))
    return 'blocked'
  })
  app.get('/limited', async (_request, reply) =>
    reply
      .code(429)
      .header('RateLimit-Policy', '"global";q=100;w=60, "auth";q=5;w=60')
      .header('RateLimit', '"global";r=90;t=30, "auth";r=0;t=42')
      .send('slow down'),
  )
  await app.register(
    async (api) => {
      api.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }))
      api.get('/fail/:id', async () => {
        throw new Error('failed on purpose')
      })
    },
    { prefix: '/api' },
  )
  return listenFastify(app)
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 })

/** One GET over a keep-alive agent (cheaper than fetch for bursts); resolves with the status. */
export function get(url: string, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: keepAlive, timeout: timeoutMs }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${url} took more than ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/** Sends `count` GET requests, `concurrency` at a time; returns the statuses. */
export async function hit(base: string, paths: (i: number) => string, count: number, concurrency = 8) {
  const statuses: number[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      statuses.push(await get(base + paths(i)))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return statuses
}

/**
 * Keeps traffic flowing (`batch` requests to `path`, again and again) until
 * `condition` holds: a rule recovers only on enough observations below its
 * threshold, so recovery needs live traffic, as in production.
 */
export async function driveUntil(
  base: string,
  path: string,
  condition: () => boolean,
  what: string,
  { batch = 5, timeoutMs = 20_000 }: { batch?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms driving traffic until ${what}`)
    await hit(base, () => path, batch, batch)
    await sleep(20)
  }
}

/** The sample lines of one metric family in Prometheus text, optionally filtered by a label substring. */
export function samples(text: string, name: string, ...including: string[]): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => including.every((part) => line.includes(part)))
}

/** The value of the single sample of `name` matching every `including`. */
export function value(text: string, name: string, ...including: string[]): number {
  const lines = samples(text, name, ...including)
  if (lines.length !== 1)
    throw new Error(
      `expected one ${name} sample with ${including.join(' ')}, got ${lines.length}:\n${lines.join('\n')}`,
    )
  return Number(lines[0]!.slice(lines[0]!.lastIndexOf(' ') + 1))
}

/** The local Slack webhook stand-in of @kit/test-utils. */
export type Receiver = WebhookReceiver
export const startReceiver = startWebhookReceiver

export { type MemoryLogger, memoryLogger } from '@kit/test-utils'
