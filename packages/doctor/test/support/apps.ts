import { createSecurity, type SecurityOptions, secureCookie } from '@kit/security'
import { kitSecurity as expressSecurity } from '@kit/security/express'
import { kitSecurity as fastifySecurity } from '@kit/security/fastify'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'

export const FRAMEWORKS = ['express', 'fastify'] as const
export type Framework = (typeof FRAMEWORKS)[number]

export const page = (nonce: string): string =>
  `<!doctype html><html><head><title>kit</title></head><body><h1>hello</h1><script nonce="${nonce}">document.body.dataset.ok = '1'</script></body></html>`

export interface AppSetup {
  /** The app's public URL (its allowed host). @default 'https://127.0.0.1' */
  appUrl?: string
  /** Trust X-Forwarded-* from the loopback proxy. @default true */
  trustProxy?: boolean
}

/**
 * An app behind @kit/security in production, as the examples are: a page
 * with a nonce'd script that sets a __Host- session cookie, and a health
 * route. It trusts the loopback proxy in front of it unless told otherwise.
 */
export async function startSecureApp(
  framework: Framework,
  options: SecurityOptions = {},
  setup: AppSetup = {},
): Promise<ListeningApp> {
  const security = createSecurity(options, {
    env: { NODE_ENV: 'production', APP_URL: setup.appUrl ?? 'https://127.0.0.1' },
  })
  const trustProxy = setup.trustProxy ?? true
  const cookie = secureCookie('session', 'opaque-id', { maxAge: 3600 })
  if (framework === 'express') {
    const app = express()
    app.disable('x-powered-by')
    if (trustProxy) app.set('trust proxy', 'loopback')
    app.get('/health/ready', (_req, res) => {
      res.json({ status: 'pass' })
    })
    app.use(expressSecurity(security))
    app.get('/', (_req, res) => {
      res.setHeader('Cache-Control', 'no-store')
      res.append('Set-Cookie', cookie)
      res.type('html').send(page(res.locals.cspNonce as string))
    })
    return listenExpress(app)
  }
  const app = Fastify({ trustProxy: trustProxy ? ['127.0.0.1', '::1'] : false })
  app.get('/health/ready', async () => ({ status: 'pass' }))
  await app.register(fastifySecurity, { security })
  app.get('/', async (_request, reply) => {
    reply.header('cache-control', 'no-store').header('set-cookie', cookie)
    return reply.type('text/html; charset=utf-8').send(page(reply.cspNonce))
  })
  return listenFastify(app)
}

/**
 * What a hurried deploy looks like: no security headers, a session cookie
 * without Secure, CORS that echoes any Origin with credentials, and stack
 * traces in error pages.
 */
export async function startWeakApp(framework: Framework): Promise<ListeningApp> {
  const cors = (origin: string | undefined): Record<string, string> =>
    origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {}
  const trace = (url: string) => new Error(`Not found: ${url}`).stack ?? ''
  if (framework === 'express') {
    const app = express()
    app.use((req, res, next) => {
      res.set(cors(req.headers.origin))
      if (req.method === 'OPTIONS') return void res.sendStatus(204)
      next()
    })
    app.get('/', (_req, res) => {
      res.append('Set-Cookie', 'session=opaque-id; Path=/; HttpOnly')
      res.type('html').send('<!doctype html><p>hello</p>')
    })
    app.use((req, res) => {
      res.status(404).type('text').send(trace(req.url))
    })
    return listenExpress(app)
  }
  const app = Fastify()
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(cors(request.headers.origin))
    if (request.method === 'OPTIONS') return reply.code(204).send()
  })
  app.get('/', async (_request, reply) => {
    reply.header('set-cookie', 'session=opaque-id; Path=/; HttpOnly')
    return reply.type('text/html').send('<!doctype html><p>hello</p>')
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).type('text/plain').send(trace(request.url)))
  return listenFastify(app)
}
