import type { IncomingMessage } from 'node:http'
import { createSecurity, SECURITY_STEPS } from '@kit/security'
import { bodyLimits, corsPolicy, kitSecurity, securityHeaders } from '@kit/security/express'
import { kitSecurity as fastifySecurity } from '@kit/security/fastify'
import { listenExpress, listenFastify } from '@kit/test-utils'
import express, { type ErrorRequestHandler } from 'express'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { FRAMEWORKS, serve } from './support/servers.ts'

const env = { NODE_ENV: 'test' }

describe('Express adapter', () => {
  it('returns named middleware in pipeline order', () => {
    const names = kitSecurity(createSecurity({}, { env })).map((m) => m.name)
    expect(names).toEqual([
      'kitHttpsAndHosts',
      'kitSecurityHeaders',
      'kitCspReport',
      'kitCors',
      'kitCsrf',
      'kitBodyLimits',
    ])
  })

  it('returns only the steps asked for, still in pipeline order', () => {
    const names = kitSecurity(createSecurity({}, { env }), { steps: ['bodyLimit', 'headers'] }).map(
      (m) => m.name,
    )
    expect(names).toEqual(['kitSecurityHeaders', 'kitBodyLimits'])
  })

  it('catches app.use(securityHeaders) without the call and says how to fix it', async () => {
    const app = express()
    app.use(securityHeaders as never)
    app.get('/', (_req, res) => {
      res.send('never')
    })
    let caught: unknown
    const handler: ErrorRequestHandler = (error, _req, res, _next) => {
      caught = error
      res.status(500).send('error')
    }
    app.use(handler)
    const server = await listenExpress(app)
    try {
      expect((await send(`${server.url}/`)).status).toBe(500)
      expect(caught).toMatchObject({
        code: 'KIT_SECURITY_MIDDLEWARE_NOT_CALLED',
        message: expect.stringContaining('Write app.use(securityHeaders(security))'),
      })
    } finally {
      await server.close()
    }
  })

  it('accepts options instead of a Security', async () => {
    const app = express()
    app.use(
      securityHeaders({ referrerPolicy: 'no-referrer' }),
      corsPolicy({ cors: { origins: ['https://a.example'] } }),
    )
    app.get('/', (_req, res) => {
      res.send('ok')
    })
    const server = await listenExpress(app)
    try {
      const res = await send(`${server.url}/`, { headers: { origin: 'https://a.example' } })
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['access-control-allow-origin']).toBe('https://a.example')
    } finally {
      await server.close()
    }
  })

  it('lets a rate limiter sit between CSRF and body limits', async () => {
    const order: string[] = []
    const security = createSecurity({}, { env })
    const app = express()
    app.use(kitSecurity(security, { steps: ['hosts', 'headers', 'cspReport', 'cors', 'csrf'] }))
    app.use((_req, _res, next) => {
      order.push(`limiter saw body: ${JSON.stringify(_req.body)}`)
      next()
    })
    app.use(bodyLimits(security))
    app.post('/', (req, res) => {
      order.push(`route saw body: ${JSON.stringify(req.body)}`)
      res.send('ok')
    })
    const server = await listenExpress(app)
    try {
      await send(`${server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      })
      expect(order).toEqual(['limiter saw body: undefined', 'route saw body: {"a":1}'])
    } finally {
      await server.close()
    }
  })
})

describe('Fastify adapter', () => {
  it('registers with defaults when given no options', async () => {
    const app = Fastify()
    await app.register(fastifySecurity)
    app.get('/', async (_request, reply) => reply.cspNonce)
    const server = await listenFastify(app)
    try {
      const res = await send(`${server.url}/`)
      expect(res.headers['content-security-policy']).toContain(`'nonce-${res.body}'`)
    } finally {
      await server.close()
    }
  })

  it('lets a rate limiter hook sit between CSRF and body limits', async () => {
    const order: string[] = []
    const security = createSecurity({ bodyLimit: 10 }, { env })
    const app = Fastify()
    await app.register(fastifySecurity, { security, steps: SECURITY_STEPS.filter((s) => s !== 'bodyLimit') })
    app.addHook('onRequest', async () => {
      order.push('limiter')
    })
    await app.register(fastifySecurity, { security, steps: ['bodyLimit'] })
    app.post('/', async () => {
      order.push('route')
      return 'ok'
    })
    const server = await listenFastify(app)
    try {
      const csrf = await send(`${server.url}/`, {
        method: 'POST',
        headers: { cookie: 'a=1', 'sec-fetch-site': 'cross-site' },
      })
      expect(csrf.status).toBe(403)
      expect(order).toEqual([])
      const big = await send(`${server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x'.repeat(50),
      })
      expect(big.status).toBe(413)
      expect(order).toEqual(['limiter'])
    } finally {
      await server.close()
    }
  })
})

describe.each(FRAMEWORKS)('skip (health routes) on %s', (framework) => {
  it('bypasses every step for the requests it matches', async () => {
    const skip = (req: IncomingMessage): boolean => req.url === '/health'
    const server = await serve(
      framework,
      { forceHttps: true, hosts: { allowed: ['example.com'] } },
      { env, skip },
    )
    try {
      const res = await send(`${server.url}/health`, {
        headers: { host: '10.1.2.3', cookie: 'a', origin: 'https://x.example' },
      })
      expect(res.status).toBe(200)
      expect(res.headers['content-security-policy']).toBeUndefined()
      const other = await send(`${server.url}/api/hello`, { headers: { host: 'example.com' } })
      expect(other.status).toBe(301)
    } finally {
      await server.close()
    }
  })
})

describe('env', () => {
  it('reads process.env when no env is given (standalone use)', () => {
    const saved = process.env.ALLOWED_ORIGINS
    process.env.ALLOWED_ORIGINS = 'https://from-process-env.example'
    try {
      expect([...createSecurity().config.cors!.origins.exact]).toEqual(['https://from-process-env.example'])
    } finally {
      if (saved === undefined) delete process.env.ALLOWED_ORIGINS
      else process.env.ALLOWED_ORIGINS = saved
    }
  })
})
