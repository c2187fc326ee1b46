/**
 * The same small app on Express and on Fastify (twice: created with
 * fastifyLoggerOptions(), and created bare with only the plugin), so every
 * behaviour is checked on each.
 */
import { EventEmitter, once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ListeningApp, listenExpress, listenFastify, MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import { requestLogger, setResponseError } from '../src/express.ts'
import { fastifyLoggerOptions, kitLoggerPlugin } from '../src/fastify.ts'
import {
  createLogger,
  fetchWithRequestId,
  getRequestId,
  type Logger,
  type LoggerOptions,
} from '../src/index.ts'
import type { RequestLoggerOptions } from '../src/request-options.ts'

export type Variant = 'express' | 'fastify' | 'fastify-plugin-only'
export const VARIANTS: Variant[] = ['express', 'fastify', 'fastify-plugin-only']

export interface TestApp extends ListeningApp {
  log: Logger
  out: MemoryStream
  /** Lines written so far, parsed. */
  lines(): Record<string, any>[]
  /** The request line of the request with this id (waits for it: it is written after the response). */
  requestLine(id: string): Promise<Record<string, any>>
  /** Resolves when the next request to /slow reaches its handler (instead of guessing with a timer). */
  slowArrived(): Promise<void>
}

const isHealth = (req: { url?: string }) => req.url === '/health'

async function deepWork(log: Logger): Promise<void> {
  await sleep(5)
  await Promise.resolve().then(async () => {
    await sleep(1)
    log.info({ step: 'deep' }, 'deep in async code')
  })
}

export async function startApp(
  variant: Variant,
  options: {
    logger?: LoggerOptions
    request?: RequestLoggerOptions
    /** Makes the app's logger writing to `out` (an app's own pino instance, say) instead of createLogger(options.logger). */
    makeLog?: (out: MemoryStream) => Logger
  } = {},
): Promise<TestApp> {
  const out = new MemoryStream()
  const log =
    options.makeLog?.(out) ??
    createLogger({ level: 'debug', service: 'test-app', ...options.logger, destination: out })
  const request = { skip: isHealth, ...options.request }
  const arrivals = new EventEmitter()
  let listening: ListeningApp
  if (variant === 'express') {
    const app = express()
    app.use(requestLogger(log, request))
    app.use(express.json())
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    app.get('/health', (_req, res) => {
      res.send('ok')
    })
    app.get('/deep', async (_req, res) => {
      await deepWork(log)
      res.json({ id: getRequestId() })
    })
    app.post('/body', (req, res) => {
      log.info({ body: req.body }, 'got a body')
      res.json({ id: getRequestId() })
    })
    app.get('/log-headers', (req, res) => {
      log.info({ headers: req.headers, req }, 'headers seen')
      res.send('logged')
    })
    app.get('/users/:id', (req, res) => {
      ;(req as unknown as { log: Logger }).log.info('from req.log')
      res.json({ user: req.params.id })
    })
    app.get('/boom', () => {
      throw new Error('kaboom')
    })
    app.get('/bad', () => {
      throw Object.assign(new Error('bad input'), { status: 400 })
    })
    app.get('/slow', async (_req, res) => {
      arrivals.emit('slow')
      await sleep(400)
      res.send('late')
    })
    app.get('/call-out', async (req, res) => {
      const target = String(req.query.target)
      const answer = await fetchWithRequestId(target)
      res.json(await answer.json())
    })
    app.use(
      (
        error: Error & { status?: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        setResponseError(res, error)
        res.status(error.status ?? 500).json({ error: 'failed' })
      },
    )
    listening = await listenExpress(app)
  } else {
    // One type for both: the instance created with our logger is typed with pino's Logger.
    const app = (variant === 'fastify'
      ? Fastify({ ...fastifyLoggerOptions(log, request) })
      : Fastify()) as unknown as FastifyInstance
    await app.register(kitLoggerPlugin, variant === 'fastify' ? request : { ...request, log })
    app.get('/hello', async () => 'hello')
    app.get('/health', async () => 'ok')
    app.get('/deep', async () => {
      await deepWork(log)
      return { id: getRequestId() }
    })
    app.post('/body', async (req) => {
      log.info({ body: req.body }, 'got a body')
      return { id: getRequestId() }
    })
    app.get('/log-headers', async (req) => {
      log.info({ headers: req.headers, req }, 'headers seen')
      return 'logged'
    })
    app.get<{ Params: { id: string } }>('/users/:id', async (req) => {
      req.log.info('from req.log')
      return { user: req.params.id }
    })
    app.get('/boom', async () => {
      throw new Error('kaboom')
    })
    app.get('/bad', async () => {
      throw Object.assign(new Error('bad input'), { statusCode: 400 })
    })
    app.get('/slow', async () => {
      arrivals.emit('slow')
      await sleep(400)
      return 'late'
    })
    app.get<{ Querystring: { target: string } }>('/call-out', async (req) => {
      const answer = await fetchWithRequestId(req.query.target)
      return answer.json()
    })
    listening = await listenFastify(app)
  }
  const lines = () => out.lines()
  return {
    ...listening,
    log,
    out,
    lines,
    slowArrived: () => once(arrivals, 'slow').then(() => undefined),
    async requestLine(id) {
      const deadline = Date.now() + 10_000
      for (;;) {
        const line = lines().find(
          (l) => l.reqId === id && (l.msg === 'request completed' || l.msg === 'request aborted'),
        )
        if (line) return line
        if (Date.now() > deadline) throw new Error(`no request line for ${id} in:\n${out.text()}`)
        await sleep(10)
      }
    },
  }
}
