import type { IncomingMessage } from 'node:http'
import type { ListeningApp } from '@kit/test-utils'
import { listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { bruteForce, limit, rateLimits } from '../../src/express.ts'
import { kitRateLimit } from '../../src/fastify.ts'
import type { RateLimits } from '../../src/index.ts'

export type Framework = 'express' | 'fastify'
export const FRAMEWORKS: Framework[] = ['express', 'fastify']

export interface AppOptions {
  /** Express `trust proxy` / Fastify `trustProxy`. */
  trustProxy?: unknown
}

/** The health path every test app answers before the limiters (skip). */
export const isHealth = (req: IncomingMessage): boolean => req.url === '/health'

/**
 * The same small app on either framework, wired like productionize() does:
 * request id, health, rate limits, body parser, failed-login limiter, routes.
 * POST /auth/login succeeds with password "right"; /special has its own tier
 * ('ai'); on Fastify /free is exempt.
 */
export async function startApp(
  framework: Framework,
  limits: RateLimits,
  options: AppOptions = {},
): Promise<ListeningApp> {
  return framework === 'express' ? startExpress(limits, options) : startFastify(limits, options)
}

async function startExpress(limits: RateLimits, options: AppOptions): Promise<ListeningApp> {
  const app = express()
  app.set('trust proxy', options.trustProxy ?? false)
  app.use((req, res, next) => {
    const id = req.headers['x-request-id']
    if (typeof id === 'string') res.setHeader('x-request-id', id)
    next()
  })
  app.use(rateLimits(limits))
  // After the limiter on purpose: only `skip` keeps it exempt.
  app.get('/health', (_req, res) => {
    res.json({ status: 'pass' })
  })
  app.use(express.json())
  app.use(bruteForce(limits))
  app.get('/hello', (req, res) => {
    res.json({ hello: 'world', ip: req.ip })
  })
  app.get('/auth/ping', (_req, res) => {
    res.json({ ok: true })
  })
  app.post('/auth/login', (req, res) => {
    if (req.body?.password === 'right') res.json({ ok: true })
    else res.status(401).json({ error: 'bad credentials' })
  })
  app.get('/api/ai/complete', (_req, res) => {
    res.json({ ok: true })
  })
  app.get('/special', limit(limits, 'ai'), (_req, res) => {
    res.json({ ok: true })
  })
  return listenExpress(app)
}

async function startFastify(limits: RateLimits, options: AppOptions): Promise<ListeningApp> {
  const app = Fastify(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy as any })
  app.addHook('onRequest', async (request, reply) => {
    const id = request.headers['x-request-id']
    if (typeof id === 'string') reply.header('x-request-id', id)
  })
  app.get('/health', async () => ({ status: 'pass' }))
  await app.register(kitRateLimit, { limits })
  app.get('/hello', async (request) => ({ hello: 'world', ip: request.ip }))
  app.get('/auth/ping', async () => ({ ok: true }))
  app.post('/auth/login', async (request, reply) => {
    const body = request.body as { password?: string } | undefined
    if (body?.password === 'right') return { ok: true }
    return reply.code(401).send({ error: 'bad credentials' })
  })
  app.get('/api/ai/complete', async () => ({ ok: true }))
  app.get('/special', { config: { kitRateLimit: 'ai' } }, async () => ({ ok: true }))
  app.get('/free', { config: { kitRateLimit: false } }, async () => ({ ok: true }))
  return listenFastify(app)
}

/** fetch with a bound, so no test can hang on a server that never answers. */
export function get(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Response> {
  return fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
}

export function login(
  url: string,
  body: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
}

/** Sends `count` requests one after another and returns their statuses. */
export async function statuses(count: number, send: () => Promise<Response>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    const res = await send()
    await res.arrayBuffer()
    out.push(res.status)
  }
  return out
}
