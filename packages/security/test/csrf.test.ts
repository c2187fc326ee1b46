import { createSecurity } from '@kit/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, serve, type TestServer } from './support/servers.ts'

const env = { NODE_ENV: 'test', ALLOWED_ORIGINS: 'https://partner.example', APP_URL: 'https://app.example' }
const COOKIE = { cookie: 'sid=abc' }

describe.each(FRAMEWORKS)('CSRF on %s', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(framework, { csrf: { exempt: ['/webhooks/*'] } }, { env })
  })
  afterAll(() => server.close())

  const post = (headers: Record<string, string>, path = '/echo', method = 'POST') =>
    send(`${server.url}${path}`, {
      method,
      headers: { ...COOKIE, 'content-type': 'application/json', ...headers },
      body: '{"a":1}',
    })
  const own = () => server.url

  // [Sec-Fetch-Site, Origin, expected status]
  const cases: [string | undefined, string | undefined | (() => string), number][] = [
    ['cross-site', undefined, 403],
    ['cross-site', 'https://evil.example', 403],
    ['cross-site', 'https://partner.example', 200],
    ['cross-site', 'https://app.example', 200],
    ['same-site', 'https://sub.evil.example', 403],
    ['same-site', 'https://partner.example', 200],
    ['same-origin', own, 200],
    ['none', undefined, 200],
    ['whatever', undefined, 403],
    [undefined, own, 200],
    [undefined, 'https://evil.example', 403],
    [undefined, 'null', 403],
    [undefined, 'garbage', 403],
    [undefined, undefined, 200],
  ]

  it.each(cases)('Sec-Fetch-Site %s with Origin %s → %i', async (site, origin, status) => {
    const headers: Record<string, string> = {}
    if (site !== undefined) headers['sec-fetch-site'] = site
    if (origin !== undefined) headers.origin = typeof origin === 'function' ? origin() : origin
    const before = server.hits['/echo'] ?? 0
    const res = await post(headers)
    expect(res.status).toBe(status)
    if (status === 403) {
      expect(res.json()).toMatchObject({ error: { status: 403, code: 'KIT_SECURITY_CROSS_SITE_REQUEST' } })
      expect(server.hits['/echo'] ?? 0).toBe(before)
    }
  })

  it('refuses PUT, PATCH and DELETE too, and lets GET, HEAD and OPTIONS through', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect([method, (await post({ 'sec-fetch-site': 'cross-site' }, '/echo', method)).status]).toEqual([
        method,
        403,
      ])
    }
    for (const method of ['GET', 'HEAD']) {
      const res = await send(`${server.url}/api/hello`, {
        method,
        headers: { ...COOKIE, 'sec-fetch-site': 'cross-site' },
      })
      expect([method, res.status]).toEqual([method, 200])
    }
  })

  it('compares Origin with the public origin the trusted proxy reports', async () => {
    const behindProxy = {
      host: 'shop.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'shop.example',
    }
    expect((await post({ ...behindProxy, origin: 'https://shop.example' })).status).toBe(200)
    expect((await post({ ...behindProxy, origin: 'http://shop.example' })).status).toBe(403)
  })

  const cookieless = (headers: Record<string, string>, path = '/echo') =>
    send(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: 'email=attacker%40evil.example',
    })

  it('refuses a browser that says cross-site even without cookies (login CSRF, issue 17)', async () => {
    const form = {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      origin: 'https://evil.example',
    }
    expect((await cookieless(form)).status).toBe(403)
    expect((await cookieless({ 'sec-fetch-site': 'garbage' })).status).toBe(403)
    // Trusted origins and opted-out routes still pass.
    expect((await cookieless({ ...form, origin: 'https://partner.example' })).status).toBe(200)
    expect((await cookieless(form, '/webhooks/stripe')).status).toBe(200)
  })

  it('exempts requests without cookies that carry no Fetch Metadata, or say same-site (servers, webhooks, old browsers)', async () => {
    expect((await cookieless({ origin: 'https://evil.example' })).status).toBe(200)
    expect((await cookieless({})).status).toBe(200)
    expect(
      (await cookieless({ 'sec-fetch-site': 'same-site', origin: 'https://sub.app.example' })).status,
    ).toBe(200)
  })

  it('exempts routes listed in csrf.exempt (webhooks)', async () => {
    expect((await post({ 'sec-fetch-site': 'cross-site' }, '/webhooks/stripe')).status).toBe(200)
  })

  it('never blocks the CSP report endpoint', async () => {
    const res = await send(`${server.url}/_kit/csp-report`, {
      method: 'POST',
      headers: { ...COOKIE, 'sec-fetch-site': 'cross-site', 'content-type': 'application/csp-report' },
      body: JSON.stringify({
        'csp-report': { 'document-uri': 'https://x/', 'violated-directive': 'img-src' },
      }),
    })
    expect(res.status).toBe(204)
  })

  it('logs refusals, at most 10 lines a minute', async () => {
    const own = memoryLogger()
    const quiet = await serve(framework, {}, { env, log: own.log })
    try {
      for (let i = 0; i < 15; i++) {
        await send(`${quiet.url}/echo`, {
          method: 'POST',
          headers: { ...COOKIE, 'sec-fetch-site': 'cross-site' },
        })
      }
    } finally {
      await quiet.close()
    }
    const lines = own.warnings().filter((l) => l.security === 'csrf')
    expect(lines.length).toBe(10)
    expect(lines[0]).toMatchObject({ method: 'POST', path: '/echo', reason: 'Sec-Fetch-Site is cross-site' })
  })
})

describe('route opt-out', () => {
  it('Fastify route config { csrf: false } exempts the route', async () => {
    const server = await serve('fastify', {}, { env })
    try {
      const res = await send(`${server.url}/no-csrf`, {
        method: 'POST',
        headers: { ...COOKIE, 'sec-fetch-site': 'cross-site' },
      })
      expect(res.status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('a predicate in csrf.exempt exempts matching requests on Express', async () => {
    const server = await serve(
      'express',
      { csrf: { exempt: [(req) => req.headers['x-signature'] !== undefined] } },
      { env },
    )
    try {
      const signed = await send(`${server.url}/no-csrf`, {
        method: 'POST',
        headers: { ...COOKIE, 'sec-fetch-site': 'cross-site', 'x-signature': 'v1' },
      })
      const unsigned = await send(`${server.url}/no-csrf`, {
        method: 'POST',
        headers: { ...COOKIE, 'sec-fetch-site': 'cross-site' },
      })
      expect([signed.status, unsigned.status]).toEqual([200, 403])
    } finally {
      await server.close()
    }
  })
})

describe('csrf options', () => {
  it.each(FRAMEWORKS)('onlyWithCookies: false checks requests without cookies on %s', async (framework) => {
    const server = await serve(framework, { csrf: { onlyWithCookies: false } }, { env })
    try {
      const res = await send(`${server.url}/echo`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'cross-site' },
      })
      expect(res.status).toBe(403)
    } finally {
      await server.close()
    }
  })

  it.each(FRAMEWORKS)('csrf: false turns the check off on %s', async (framework) => {
    const server = await serve(framework, { csrf: false }, { env })
    try {
      const res = await send(`${server.url}/echo`, {
        method: 'POST',
        headers: { ...COOKIE, 'sec-fetch-site': 'cross-site' },
      })
      expect(res.status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it.each(FRAMEWORKS)(
    'a public CORS wildcard does not make every origin trusted on %s',
    async (framework) => {
      const server = await serve(framework, { cors: { origins: '*' } }, { env: {} })
      try {
        const res = await send(`${server.url}/echo`, {
          method: 'POST',
          headers: { ...COOKIE, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        })
        expect(res.status).toBe(403)
      } finally {
        await server.close()
      }
    },
  )

  it.each([
    [{ exempt: ['webhooks/*'] }, /csrf\.exempt: "webhooks\/\*" is not a route/],
    [{ exempt: [42] }, /csrf\.exempt: 42 is not a route/],
    [{ onlyWithCookie: false }, /unknown option 'onlyWithCookie'.*Did you mean 'onlyWithCookies'\?/],
  ])('refuses %j', (csrf, message) => {
    expect(() => createSecurity({ csrf: csrf as never }, { env: {} })).toThrow(message)
  })
})
