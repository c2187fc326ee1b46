import type { IncomingMessage } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import {
  createSecurity,
  type Security,
  type SecurityContext,
  type SecurityOptions,
  type SecurityStep,
} from '@kit/security'
import { kitSecurity as expressSecurity } from '@kit/security/express'
import { kitSecurity as fastifySecurity } from '@kit/security/fastify'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'

export const FRAMEWORKS = ['express', 'fastify'] as const
export type Framework = (typeof FRAMEWORKS)[number]

export interface TestServer extends ListeningApp {
  framework: Framework
  security: Security
  /** How many times each route handler ran (to prove a request never reached it). */
  hits: Record<string, number>
}

export interface ServeOptions {
  /** Trust 127.0.0.1 as a proxy (Express 'trust proxy' 1, Fastify trustProxy '127.0.0.1'). @default true */
  trustProxy?: boolean
  steps?: readonly SecurityStep[]
  /** Install the pipeline twice (the "exactly one of each header" rule). */
  twice?: boolean
  /** Serve HTTPS with this key and certificate (the URL is then https://). */
  tls?: { key: string; cert: string }
  /** Sees every request before the security pipeline does. */
  observe?: (req: IncomingMessage) => void
}

export function page(nonce: string): string {
  return `<!doctype html><html><head><title>kit</title><style nonce="${nonce}">body{color:#222}</style></head><body><h1>kit</h1><script nonce="${nonce}">document.title = 'nonce ran'</script><script>window.injected = true</script></body></html>`
}

/**
 * A small app with the same routes on both frameworks, behind the security
 * pipeline: GET / (HTML with a nonce'd script and style, plus an injected
 * inline script the CSP must block), GET /api/hello, POST /echo
 * (returns what the body parsers produced), POST /webhooks/stripe, GET /health,
 * and POST /no-csrf (Fastify route config csrf: false).
 */
export async function serve(
  framework: Framework,
  security: Security | SecurityOptions,
  context: SecurityContext = {},
  options: ServeOptions = {},
): Promise<TestServer> {
  const resolved =
    'steps' in security && typeof security.steps === 'function'
      ? (security as Security)
      : createSecurity(security as SecurityOptions, context)
  const hits: Record<string, number> = {}
  const hit = (name: string): void => {
    hits[name] = (hits[name] ?? 0) + 1
  }
  const trust = options.trustProxy !== false
  const steps = options.steps ? { steps: options.steps } : {}
  let app: ListeningApp
  if (framework === 'express') {
    const e = express()
    if (trust) e.set('trust proxy', 1)
    if (options.observe) {
      const observe = options.observe
      e.use((req, _res, next) => {
        observe(req)
        next()
      })
    }
    e.use(expressSecurity(resolved, steps))
    if (options.twice) e.use(expressSecurity(resolved, steps))
    e.get('/', (_req, res) => {
      hit('/')
      res.type('html').send(page(res.locals.cspNonce as string))
    })
    e.get('/api/hello', (_req, res) => {
      hit('/api/hello')
      res.json({ hello: 'world' })
    })
    e.all('/echo', (req, res) => {
      hit('/echo')
      res.json({ type: Buffer.isBuffer(req.body) ? 'buffer' : typeof req.body, body: bodyOf(req.body) })
    })
    e.post('/webhooks/stripe', (_req, res) => {
      hit('/webhooks/stripe')
      res.send('ok')
    })
    e.post('/no-csrf', (_req, res) => {
      hit('/no-csrf')
      res.send('ok')
    })
    e.get('/health', (_req, res) => {
      hit('/health')
      res.send('ok')
    })
    const tls = options.tls
    app = await listenExpress(
      tls ? { listen: (port, host, cb) => createHttpsServer(tls, e).listen(port, host, cb) as never } : e,
    )
  } else {
    const f = Fastify({
      ...(trust ? { trustProxy: '127.0.0.1' } : {}),
      ...(options.tls ? { https: options.tls } : {}),
    })
    if (options.observe) {
      const observe = options.observe
      f.addHook('onRequest', (request, _reply, next) => {
        observe(request.raw)
        next()
      })
    }
    await f.register(fastifySecurity, { security: resolved, ...steps })
    if (options.twice) await f.register(fastifySecurity, { security: resolved, ...steps })
    f.get('/', async (_request, reply) => {
      hit('/')
      return reply.type('text/html; charset=utf-8').send(page(reply.cspNonce))
    })
    f.get('/api/hello', async () => {
      hit('/api/hello')
      return { hello: 'world' }
    })
    f.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/echo',
      handler: async (request) => {
        hit('/echo')
        return {
          type: Buffer.isBuffer(request.body) ? 'buffer' : typeof request.body,
          body: bodyOf(request.body),
        }
      },
    })
    f.post('/webhooks/stripe', async () => {
      hit('/webhooks/stripe')
      return 'ok'
    })
    f.post('/no-csrf', { config: { csrf: false } }, async () => {
      hit('/no-csrf')
      return 'ok'
    })
    f.get('/health', async () => {
      hit('/health')
      return 'ok'
    })
    app = await listenFastify(f)
  }
  const url = options.tls ? app.url.replace('http://', 'https://') : app.url
  return { ...app, url, framework, security: resolved, hits }
}

function bodyOf(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return body.length
  if (body && typeof body === 'object') return { ...body }
  return body ?? null
}

/** Runs `fn` against a fresh server on each framework, closing both afterwards. */
export async function onBoth<T>(
  security: SecurityOptions,
  context: SecurityContext,
  fn: (server: TestServer) => Promise<T>,
  options: ServeOptions = {},
): Promise<T[]> {
  const out: T[] = []
  for (const framework of FRAMEWORKS) {
    const server = await serve(framework, security, context, options)
    try {
      out.push(await fn(server))
    } finally {
      await server.close()
    }
  }
  return out
}
