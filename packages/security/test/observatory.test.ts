import { createSecurity, type SecurityOptions, secureCookie } from '@kit/security'
import { kitSecurity as expressSecurity } from '@kit/security/express'
import { kitSecurity as fastifySecurity } from '@kit/security/fastify'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import helmet from 'helmet'
import { describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { type ScanResult, scan } from './support/observatory.ts'
import { FRAMEWORKS, type Framework, page } from './support/servers.ts'

const HOST = 'example.com'
const env = { NODE_ENV: 'production', APP_URL: `https://${HOST}` }

/** The example app's shape: an HTML page that sets the login's session cookie. */
async function start(
  framework: Framework,
  options: SecurityOptions,
  withCookie: boolean,
): Promise<ListeningApp> {
  const security = createSecurity(options, { env })
  const cookie = secureCookie('session', 'opaque-id', { maxAge: 3600 })
  if (framework === 'express') {
    const app = express()
    app.set('trust proxy', 1)
    app.use(expressSecurity(security))
    app.get('/', (_req, res) => {
      if (withCookie) res.append('Set-Cookie', cookie)
      res.type('html').send(page(res.locals.cspNonce as string))
    })
    return listenExpress(app)
  }
  const app = Fastify({ trustProxy: '127.0.0.1' })
  await app.register(fastifySecurity, { security })
  app.get('/', async (_request, reply) => {
    if (withCookie) reply.header('set-cookie', cookie)
    return reply.type('text/html; charset=utf-8').send(page(reply.cspNonce))
  })
  return listenFastify(app)
}

/** Scans like the Observatory: the https:// page (via the trusted proxy), its http:// twin, a preflight. */
async function scanApp(server: ListeningApp, algorithm: 5 | 6 = 5, http = true): Promise<ScanResult> {
  const https = await send(`${server.url}/`, { headers: { host: HOST, 'x-forwarded-proto': 'https' } })
  const plain = await send(`${server.url}/`, { headers: { host: HOST, 'x-forwarded-proto': 'http' } })
  const origin = 'https://random4711.invalid-origin.example'
  const preflight = await send(`${server.url}/`, {
    method: 'OPTIONS',
    headers: { host: HOST, 'x-forwarded-proto': 'https', origin, 'access-control-request-method': 'GET' },
  })
  expect(https.status).toBe(200)
  return scan({
    https: { headers: https.headers, body: https.body },
    http: http ? { status: plain.status, location: plain.headers.location as string | undefined } : undefined,
    preflight: { headers: preflight.headers, origin },
    host: HOST,
    algorithm,
  })
}

const modifiers = (r: ScanResult) => Object.fromEntries(r.tests.map((t) => [t.test, t.modifier]))

describe.each(FRAMEWORKS)('Observatory score of the defaults on %s', (framework) => {
  it('reaches 135 / A+ on algorithm 5 with the login cookie from secureCookie()', async () => {
    const server = await start(framework, {}, true)
    try {
      const result = await scanApp(server)
      expect(modifiers(result)).toEqual({
        'content-security-policy': 10,
        cookies: 5,
        'cross-origin-resource-sharing': 0,
        redirection: 0,
        'referrer-policy': 5,
        'strict-transport-security': 0,
        'subresource-integrity': 0,
        'x-content-type-options': 0,
        'x-frame-options': 5,
        'cross-origin-resource-policy': 10,
      })
      expect(result.tests.every((t) => t.pass)).toBe(true)
      expect(result.score).toBeGreaterThanOrEqual(135)
      expect(result.grade).toBe('A+')
    } finally {
      await server.close()
    }
  })

  it('reaches 130 / A+ with no cookie at all, and 145 on algorithm 6 (COOP)', async () => {
    const server = await start(framework, {}, false)
    try {
      expect((await scanApp(server)).score).toBe(130)
      const v6 = await scanApp(server, 6)
      expect(v6.score).toBe(140)
      expect(modifiers(v6)['cross-origin-opener-policy']).toBe(10)
    } finally {
      await server.close()
    }
    const withCookie = await start(framework, {}, true)
    try {
      expect((await scanApp(withCookie, 6)).score).toBe(145)
    } finally {
      await withCookie.close()
    }
  })
})

describe('the scorer itself', () => {
  it("scores helmet's own defaults at 120 (the issue's baseline), HTTP redirect left to a proxy", async () => {
    const app = express()
    app.use(helmet())
    app.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><p>hi</p>')
    })
    const server = await listenExpress(app)
    try {
      const result = await scanApp(server, 5, false)
      expect(result.score).toBe(120)
      expect(result.tests.find((t) => t.test === 'content-security-policy')?.result).toBe(
        'csp-implemented-with-unsafe-inline-in-style-src-only',
      )
    } finally {
      await server.close()
    }
  })

  it('grades a missing HTTPS redirect below A (uncurved score)', async () => {
    const server = await start(
      'express',
      { forceHttps: false, silenceWarnings: ['https-redirect-off'] },
      true,
    )
    try {
      const result = await scanApp(server)
      expect(result.tests.find((t) => t.test === 'redirection')).toMatchObject({
        result: 'redirection-missing',
        modifier: -20,
      })
      expect(result.score).toBe(80)
      expect(result.grade).toBe('B+')
    } finally {
      await server.close()
    }
  })

  it('penalises a cookie without SameSite, Secure or HttpOnly as the Observatory does', () => {
    const headers = (cookie: string) => ({
      'content-security-policy': "default-src 'none'",
      'strict-transport-security': 'max-age=63072000',
      'x-content-type-options': 'nosniff',
      'set-cookie': [cookie],
    })
    const cookieResult = (cookie: string) =>
      scan({ https: { headers: headers(cookie) }, host: HOST }).tests.find((t) => t.test === 'cookies')!
    expect(cookieResult('sessionid=1; Secure')).toMatchObject({
      result: 'cookies-session-without-httponly-flag',
      modifier: -30,
    })
    expect(cookieResult('sessionid=1; HttpOnly')).toMatchObject({ modifier: -10 })
    expect(cookieResult('theme=1; Secure; SameSite=Lax')).toMatchObject({ modifier: 5 })
    expect(cookieResult('theme=1; Secure; SameSite=Sometimes')).toMatchObject({
      result: 'cookies-samesite-flag-invalid',
    })
  })
})
