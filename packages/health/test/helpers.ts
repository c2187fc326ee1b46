import { EventEmitter, once } from 'node:events'
import type { Server } from 'node:http'
import { Readable } from 'node:stream'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { healthRoutes, loadShedding } from '../src/express.ts'
import { kitHealth } from '../src/fastify.ts'
import type { Health } from '../src/index.ts'

export type Framework = 'express' | 'fastify'
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify']

export interface TestApp extends ListeningApp {
  server: Server
  /**
   * Resolves when the next request to /slow or /stream reaches its handler:
   * call it before sending, await it after, instead of sleeping to "put a
   * request in flight" (which a busy machine turns into a race).
   */
  arrived(route: 'slow' | 'stream'): Promise<void>
}

function arrivals(): { emitter: EventEmitter; arrived: TestApp['arrived'] } {
  const emitter = new EventEmitter()
  return { emitter, arrived: (route) => once(emitter, route).then(() => undefined) }
}

/** Blocks the event loop, the way a CPU-heavy handler does. */
export function busy(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) {}
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * The same app on both frameworks, wired in the pipeline order core uses:
 * health routes, load shedding, then the app's routes —
 * GET /api/hello, GET /slow?ms=, GET /block?ms= (blocks the event loop),
 * GET /stream?ms= (headers and a first chunk at once, the end after ms).
 */
export async function serve(framework: Framework, health: Health): Promise<TestApp> {
  const { emitter, arrived } = arrivals()
  if (framework === 'express') {
    const app = express()
    app.use(healthRoutes(health))
    app.use(loadShedding(health))
    app.get('/api/hello', (_req, res) => {
      res.json({ hello: 'world' })
    })
    app.get('/slow', async (req, res) => {
      emitter.emit('slow')
      await sleep(Number(req.query.ms ?? 1000))
      res.json({ slow: true })
    })
    app.get('/block', (req, res) => {
      busy(Number(req.query.ms ?? 500))
      res.json({ blocked: true })
    })
    app.get('/stream', (req, res) => {
      emitter.emit('stream')
      stream(Number(req.query.ms ?? 500)).pipe(res)
    })
    let server: Server | undefined
    const listening = await listenExpress({
      listen: (port, host, cb) => {
        server = app.listen(port, host, cb)
        return server
      },
    })
    return { ...listening, server: server!, arrived }
  }
  const app = Fastify()
  await app.register(kitHealth, { health })
  app.get('/api/hello', async () => ({ hello: 'world' }))
  app.get('/slow', async (request) => {
    emitter.emit('slow')
    await sleep(Number((request.query as { ms?: string }).ms ?? 1000))
    return { slow: true }
  })
  app.get('/block', async (request) => {
    busy(Number((request.query as { ms?: string }).ms ?? 500))
    return { blocked: true }
  })
  app.get('/stream', async (request, reply) => {
    emitter.emit('stream')
    return reply.send(stream(Number((request.query as { ms?: string }).ms ?? 500)))
  })
  const listening = await listenFastify(app)
  return { ...listening, server: app.server, arrived }
}

/** A body whose first chunk goes out at once (so headers are sent) and whose end comes after `ms`. */
function stream(ms: number): Readable {
  const body = new Readable({ read() {} })
  body.push('first chunk\n')
  setTimeout(() => {
    body.push('last chunk\n')
    body.push(null)
  }, ms)
  return body
}

/** Polls until `predicate` holds, for at most `timeoutMs`. */
export async function eventually(predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(100)
  }
}

/** A Response whose json() is loosely typed, for assertions. */
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> }

/** A fetch that can never hang a test. */
export function get(url: string, init: RequestInit = {}): Promise<TestResponse> {
  return fetch(url, { signal: AbortSignal.timeout(10_000), ...init })
}

export { memoryLogger } from '@kit/test-utils'
