/**
 * How the headers step writes (packages/security/src/header-writer.ts): on
 * Express straight into node:http's header store, on Fastify through the
 * reply. Whatever the path, the response carries the same headers, the app
 * can still read, replace and remove them, and each response has its own
 * nonce.
 */
import { createSecurity, type SecurityOptions } from '@kit/security'
import { kitSecurity as expressSecurity } from '@kit/security/express'
import { kitSecurity as fastifySecurity } from '@kit/security/fastify'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { type RawResponse, send } from './support/http.ts'
import { FRAMEWORKS, onBoth, serve } from './support/servers.ts'

const env = { NODE_ENV: 'test' }
const HTTPS = { 'x-forwarded-proto': 'https' }
// What the framework or Node adds, not kit: left out when comparing.
const NOT_KIT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'etag'])
const NONCE = /'nonce-[A-Za-z0-9+/=]+'/g

/** Kit's headers of a response: lower-case name → value, every nonce replaced by a marker. */
function kitHeaders(res: RawResponse): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (!NOT_KIT.has(name)) out[name] = String(value).replace(NONCE, "'nonce-N'")
  }
  return out
}

const OPTION_SETS: Record<string, SecurityOptions> = {
  defaults: {},
  "helmet's option shapes": {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'https://cdn.example'],
        frameAncestors: ["'self'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'sameorigin' },
    referrerPolicy: { policy: ['no-referrer', 'strict-origin-when-cross-origin'] },
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: true,
    xDnsPrefetchControl: { allow: true },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'master-only' },
    xssFilter: false,
    ieNoOpen: false,
  },
  'report-only CSP without a nonce, some headers off': {
    csp: { reportOnly: true, nonce: false, reportPath: '/csp-reports' },
    hsts: { maxAge: 31_536_000, preload: true },
    originAgentCluster: false,
    legacyHeaders: false,
    permissionsPolicy: { fullscreen: ['self'], geolocation: ['self', 'https://maps.example'] },
  },
}

/** An Express app whose own middleware wraps res.setHeader before kit runs, as instrumentation does. */
async function expressWithWrappedSetHeader(options: SecurityOptions, seen: string[]): Promise<ListeningApp> {
  const app = express()
  app.set('trust proxy', 1)
  app.use((_req, res, next) => {
    const original = res.setHeader
    res.setHeader = function watched(name: string, value: string | number | readonly string[]) {
      seen.push(name)
      return original.call(this, name, value)
    }
    next()
  })
  app.use(expressSecurity(createSecurity(options, { env })))
  app.get('/api/hello', (_req, res) => {
    res.json({ hello: 'world' })
  })
  return listenExpress(app)
}

const CORS: SecurityOptions = {
  cors: {
    origins: ['https://app.example.com', 'https://*.example.com'],
    credentials: true,
    exposedHeaders: ['X-Total'],
  },
}
const CORS_REQUESTS = {
  'GET from an allowed origin': { method: 'GET', headers: { origin: 'https://eu.example.com' } },
  'allowed preflight': {
    method: 'OPTIONS',
    headers: {
      origin: 'https://app.example.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type, x-api-key',
    },
  },
}

describe('CORS headers are the same on every path', () => {
  it.each(Object.entries(CORS_REQUESTS))('%s', async (_name, request) => {
    const [onExpress, onFastify] = await onBoth(CORS, { env }, (s) => send(`${s.url}/api/hello`, request))
    const wrapped = await expressWithWrappedSetHeader(CORS, [])
    let viaSetHeader: RawResponse
    try {
      viaSetHeader = await send(`${wrapped.url}/api/hello`, request)
    } finally {
      await wrapped.close()
    }
    expect(onExpress!.headers['access-control-allow-origin']).toBe(request.headers.origin)
    expect(onExpress!.headers.vary).toBeDefined()
    expect(kitHeaders(onFastify!)).toEqual(kitHeaders(onExpress!))
    expect(kitHeaders(viaSetHeader)).toEqual(kitHeaders(onExpress!))
  })
})

describe('the header block is the same on every path', () => {
  it.each(Object.entries(OPTION_SETS))(
    '%s: Express (written into the store), Express with setHeader wrapped, and Fastify send the same headers',
    async (_name, options) => {
      for (const headers of [{}, HTTPS]) {
        const [onExpress, onFastify] = await onBoth(options, { env }, async (s) => {
          const res = await send(`${s.url}/api/hello`, { headers })
          expect(res.status).toBe(200)
          return res
        })
        const seen: string[] = []
        const wrapped = await expressWithWrappedSetHeader(options, seen)
        let viaSetHeader: RawResponse
        try {
          viaSetHeader = await send(`${wrapped.url}/api/hello`, { headers })
        } finally {
          await wrapped.close()
        }
        expect(kitHeaders(onFastify!)).toEqual(kitHeaders(onExpress!))
        expect(kitHeaders(viaSetHeader)).toEqual(kitHeaders(onExpress!))
        // Instrumentation that wraps setHeader still sees every header kit writes.
        const csp = Object.keys(onExpress!.headers).find((n) => n.startsWith('content-security-policy'))
        expect(seen.map((n) => n.toLowerCase())).toEqual(
          expect.arrayContaining(['x-content-type-options', 'referrer-policy', csp!]),
        )
      }
    },
  )
})

/** An app with kit's pipeline and two routes: /changed alters kit's headers, /plain does not. */
async function appThatChangesHeaders(framework: (typeof FRAMEWORKS)[number]): Promise<ListeningApp> {
  const security = createSecurity({}, { env })
  if (framework === 'express') {
    const app = express()
    app.use(expressSecurity(security))
    app.get('/changed', (_req, res) => {
      const frame = res.getHeader('X-Frame-Options')
      res.setHeader('Referrer-Policy', 'no-referrer')
      res.removeHeader('X-XSS-Protection')
      // appendHeader() grows the stored entry in place: the next response must not see it.
      res.appendHeader('X-Content-Type-Options', 'appended')
      res.json({ frame, csp: typeof res.getHeader('content-security-policy') })
    })
    app.get('/plain', (_req, res) => {
      res.json({})
    })
    return listenExpress(app)
  }
  const app = Fastify()
  await app.register(fastifySecurity, { security })
  app.get('/changed', async (_request, reply) => {
    const frame = reply.getHeader('X-Frame-Options')
    reply.header('Referrer-Policy', 'no-referrer')
    reply.removeHeader('X-XSS-Protection')
    return { frame, csp: typeof reply.getHeader('content-security-policy') }
  })
  app.get('/plain', async () => ({}))
  return listenFastify(app)
}

describe.each(FRAMEWORKS)('the app still owns the headers on %s', (framework) => {
  it("reads, replaces and removes kit's headers, and one response's changes never reach the next", async () => {
    const app = await appThatChangesHeaders(framework)
    try {
      const changed = await send(`${app.url}/changed`)
      expect(changed.json()).toEqual({ frame: 'DENY', csp: 'string' })
      expect(changed.headers['referrer-policy']).toBe('no-referrer')
      expect(changed.headerCounts['referrer-policy']).toBe(1)
      expect(changed.headers['x-xss-protection']).toBeUndefined()
      if (framework === 'express') expect(changed.headers['x-content-type-options']).toBe('nosniff, appended')
      const plain = await send(`${app.url}/plain`)
      expect(plain.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
      expect(plain.headers['x-xss-protection']).toBe('0')
      expect(plain.headers['x-content-type-options']).toBe('nosniff')
    } finally {
      await app.close()
    }
  })
})

describe.each(FRAMEWORKS)('CSP nonces on %s', (framework) => {
  it('gives every response of many concurrent ones its own nonce, the one the page gets', async () => {
    const server = await serve(framework, {}, { env })
    const nonces = new Set<string>()
    try {
      // 320 responses: more than one refill of the 256-nonce random pool (csp/nonce.ts).
      for (let batch = 0; batch < 8; batch++) {
        const responses = await Promise.all(Array.from({ length: 40 }, () => send(`${server.url}/`)))
        for (const res of responses) {
          const inHeader = [
            ...String(res.headers['content-security-policy']).matchAll(/'nonce-([^']+)'/g),
          ].map((m) => m[1]!)
          // script-src and style-src carry the same nonce, and the page's tags carry it too.
          expect(inHeader).toHaveLength(2)
          expect(inHeader[1]).toBe(inHeader[0])
          const nonce = inHeader[0]!
          expect(res.body).toContain(`<script nonce="${nonce}">`)
          expect(Buffer.from(nonce, 'base64')).toHaveLength(16)
          nonces.add(nonce)
        }
      }
    } finally {
      await server.close()
    }
    expect(nonces.size).toBe(320)
  })
})

describe('header values HTTP does not allow', () => {
  it.each([
    [
      'a control character in a CSP source',
      { csp: { directives: { 'img-src': ['https://a\u0001b.example'] } } },
    ],
    ['DEL in a CSP source', { csp: { directives: { 'connect-src': ['https://a\u007fb.example'] } } }],
  ])('%s fails at start-up, not on every request', (_name, options) => {
    expect(() => createSecurity(options as SecurityOptions, { env })).toThrow(
      expect.objectContaining({
        code: 'KIT_SECURITY_INVALID_OPTION',
        message: expect.stringContaining('Content-Security-Policy'),
      }),
    )
  })
})

describe.each(FRAMEWORKS)('allowed hosts on %s, Host values alternating', (framework) => {
  it('answers each request by its own Host header', async () => {
    const server = await serve(framework, { hosts: { allowed: ['app.example.com'] } }, { env })
    try {
      const statuses: number[] = []
      for (const host of [
        'app.example.com',
        'evil.example',
        'APP.EXAMPLE.COM',
        'app.example.com:8080',
        'bad host',
        'app.example.com',
      ]) {
        statuses.push((await send(`${server.url}/api/hello`, { headers: { host } })).status)
      }
      expect(statuses).toEqual([200, 421, 200, 200, 400, 200])
    } finally {
      await server.close()
    }
  })
})
