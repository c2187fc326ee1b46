import { createSecurity } from '@kit/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, onBoth, serve, type TestServer } from './support/servers.ts'

const env = {
  NODE_ENV: 'test',
  ALLOWED_ORIGINS: 'https://example.com, https://*.example.com, http://localhost:3000',
  CORS_ALLOW_CREDENTIALS: 'true',
}

// [origin sent, allowed?] — the bypasses of audit-checks LIVE-CORS-01..05 and the classic regex mistakes.
const ORIGINS: [string, boolean][] = [
  ['https://example.com', true],
  ['https://app.example.com', true],
  ['https://a.b.example.com', true],
  ['http://localhost:3000', true],
  ['https://evil-example.com', false],
  ['https://evilexample.com', false],
  ['https://xexample.com', false],
  ['https://exampleacom', false],
  ['https://example.co', false],
  ['https://example.com.attacker.net', false],
  ['https://app.example.com.attacker.net', false],
  ['https://example.com.random123.example', false],
  ['https://random123.invalid-origin.example', false],
  ['null', false],
  ['http://example.com', false],
  ['http://app.example.com', false],
  ['https://localhost:3000', false],
  ['http://localhost:3001', false],
  ['http://localhost', false],
  ['https://example.com:8443', false],
  ['https://app.example.com:8443', false],
  ['https://EXAMPLE.com', false],
  ['https://example.com/', false],
  ['https://example.com.', false],
  ['https://.example.com', false],
  ['https://x..example.com', false],
  ['https://*.example.com', false],
  ['https://-.example.com', false],
  ['https://example.com@evil.com', false],
  ['https://evil.com#.example.com', false],
  ['https://evil.com?.example.com', false],
  ['https://evil.com/.example.com', false],
  ['https://evil_example.com', false],
  ['example.com', false],
  ['not an origin', false],
  ['', false],
]

describe.each(FRAMEWORKS)('CORS allowlist on %s', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(framework, {}, { env })
  })
  afterAll(() => server.close())

  it.each(ORIGINS)('GET with Origin %j: allowed=%s', async (origin, allowed) => {
    const res = await send(`${server.url}/api/hello`, { headers: { origin } })
    expect(res.status).toBe(200)
    expect(res.headers.vary).toContain('Origin')
    if (allowed) {
      expect(res.headers['access-control-allow-origin']).toBe(origin)
      expect(res.headers['access-control-allow-credentials']).toBe('true')
    } else {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
    }
  })

  it.each(ORIGINS)('preflight from %j: allowed=%s, never reaches a route', async (origin, allowed) => {
    const before = server.hits['/echo'] ?? 0
    const res = await send(`${server.url}/echo`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type, x-trace',
      },
    })
    expect(server.hits['/echo'] ?? 0).toBe(before)
    expect(res.headers.vary).toContain('Origin')
    if (allowed) {
      expect(res.status).toBe(204)
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
        'access-control-allow-headers': 'content-type, x-trace',
        'access-control-max-age': '600',
      })
    } else {
      expect(res.status).toBe(403)
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
    }
  })

  it('adds Vary: Origin to responses without an Origin too (shared caches)', async () => {
    const res = await send(`${server.url}/api/hello`)
    expect(res.headers.vary).toBe('Origin')
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('lets a plain OPTIONS request (not a preflight) through to the app', async () => {
    const res = await send(`${server.url}/api/hello`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com' },
    })
    expect(res.status).not.toBe(204)
  })

  it('does not echo malformed Access-Control-Request-Headers', async () => {
    const res = await send(`${server.url}/echo`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-a, (evil)"',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-headers']).toBeUndefined()
  })

  it('answers a huge Origin header with 4xx, not 500', async () => {
    const res = await send(`${server.url}/api/hello`, {
      headers: { origin: `https://${'a'.repeat(20_000)}.example.com` },
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })
})

describe.each(FRAMEWORKS)('refused preflights on %s', (framework) => {
  it('are logged with the origin, at most 10 lines a minute', async () => {
    const logs = memoryLogger()
    const server = await serve(framework, {}, { env, log: logs.log })
    try {
      for (let i = 0; i < 12; i++) {
        await send(`${server.url}/echo`, {
          method: 'OPTIONS',
          headers: { origin: `https://evil${i}.example`, 'access-control-request-method': 'PUT' },
        })
      }
    } finally {
      await server.close()
    }
    const lines = logs.warnings().filter((l) => l.security === 'cors')
    expect(lines).toHaveLength(10)
    expect(lines[0]).toMatchObject({ origin: 'https://evil0.example' })
  })
})

describe('wildcard', () => {
  it('answers * to every origin when credentials are off, without Vary', async () => {
    const results = await onBoth({ cors: { origins: '*' } }, { env: {} }, async (s) => {
      const res = await send(`${s.url}/api/hello`, { headers: { origin: 'https://anyone.example' } })
      return [
        res.headers['access-control-allow-origin'],
        res.headers['access-control-allow-credentials'],
        res.headers.vary,
      ]
    })
    expect(results).toEqual([
      ['*', undefined, undefined],
      ['*', undefined, undefined],
    ])
  })

  it('refuses * with credentials at start-up (from env)', () => {
    expect(() =>
      createSecurity({}, { env: { ALLOWED_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'KIT_SECURITY_CORS_WILDCARD_CREDENTIALS',
        message: expect.stringMatching(
          /ALLOWED_ORIGINS allows every origin \("\*"\) and CORS_ALLOW_CREDENTIALS is true/,
        ),
      }),
    )
  })

  it('refuses * with credentials at start-up (from options)', () => {
    expect(() => createSecurity({ cors: { origins: ['*'], credentials: true } }, { env: {} })).toThrow(
      /cors\.origins allows every origin \("\*"\) and cors\.credentials is true/,
    )
  })
})

describe('origins', () => {
  it.each([
    ['null', /opaque 'null' origin/],
    ['example.com', /needs a scheme/],
    ['https://example.com/path', /has a path/],
    ['https://*example.com', /'\*' that is not the whole first label/],
    ['https://app.*.example.com', /'\*' that is not the whole first label/],
    ['https://*.com', /matches a whole top-level domain/],
    ['ftp://example.com', /needs a scheme/],
    ['https://exa_mple.com', /invalid host name/],
    ['https://example.com:99999', /port outside 1-65535/],
    ['https://example.com:123456', /port outside 1-65535/],
    ['http://[::1', /is not an origin/],
    ['https://example.com:0', /port outside 1-65535/],
  ])('refuses %s naming it and the fix', (origin, message) => {
    let error: unknown
    try {
      createSecurity({}, { env: { ALLOWED_ORIGINS: `https://ok.example,${origin}` } })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'KIT_SECURITY_CORS_INVALID_ORIGIN' })
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toContain('ALLOWED_ORIGINS')
  })

  it('reads what @kit/env accepts, normalised as browsers send it (one origin parser for both)', () => {
    const { origins } = createSecurity(
      {},
      {
        env: {
          ALLOWED_ORIGINS:
            'https://Example.com/, https://exämple.com, http://[::1]:3000, https://*.b.example/',
        },
      },
    ).config.cors!
    expect([...origins.exact]).toEqual([
      'https://example.com',
      'https://xn--exmple-cua.com',
      'http://[::1]:3000',
    ])
    expect(origins.patterns).toEqual(['https://*.b.example'])
    expect(origins.matches('http://[::1]:3000')).toBe(true)
  })

  it('normalises default ports and case in configured origins', async () => {
    const results = await onBoth(
      { cors: { origins: ['HTTPS://Example.COM:443'] } },
      { env: {} },
      async (s) => {
        const res = await send(`${s.url}/api/hello`, { headers: { origin: 'https://example.com' } })
        return res.headers['access-control-allow-origin']
      },
    )
    expect(results).toEqual(['https://example.com', 'https://example.com'])
  })

  it('accepts ALLOWED_ORIGINS already parsed into a list by @kit/env', () => {
    const security = createSecurity(
      {},
      { env: { ALLOWED_ORIGINS: ['https://a.example', 'https://*.b.example'] } },
    )
    expect([...security.config.cors!.origins.exact]).toEqual(['https://a.example'])
    expect(security.config.cors!.origins.patterns).toEqual(['https://*.b.example'])
  })

  it('cors.origins beats ALLOWED_ORIGINS', () => {
    const security = createSecurity({ cors: { origins: ['https://code.example'] } }, { env })
    expect([...security.config.cors!.origins.exact]).toEqual(['https://code.example'])
  })

  it('warns about http:// origins in production', () => {
    const { log, warnings } = memoryLogger()
    createSecurity(
      { production: true, hosts: false },
      { env: { ALLOWED_ORIGINS: 'http://app.example' }, log },
    )
    expect(warnings().map((w) => w.warning)).toContain('cors-insecure-origin')
  })
})

describe('credentials', () => {
  it('sends no Access-Control-Allow-Credentials by default', async () => {
    const results = await onBoth({ cors: { origins: ['https://app.example'] } }, { env: {} }, async (s) => {
      const res = await send(`${s.url}/api/hello`, { headers: { origin: 'https://app.example' } })
      return [res.headers['access-control-allow-origin'], res.headers['access-control-allow-credentials']]
    })
    expect(results).toEqual([
      ['https://app.example', undefined],
      ['https://app.example', undefined],
    ])
  })

  it.each([
    ['yes', true],
    ['0', false],
    ['', false],
  ])('CORS_ALLOW_CREDENTIALS=%j reads as %s', (value, expected) => {
    const security = createSecurity(
      {},
      { env: { ALLOWED_ORIGINS: 'https://a.example', CORS_ALLOW_CREDENTIALS: value } },
    )
    expect(security.config.cors!.credentials).toBe(expected)
  })

  it('CORS_ALLOW_CREDENTIALS=sometimes throws', () => {
    expect(() => createSecurity({}, { env: { CORS_ALLOW_CREDENTIALS: 'sometimes' } })).toThrow(
      /CORS_ALLOW_CREDENTIALS must be true or false; got "sometimes"/,
    )
  })
})

describe('methods, headers and maxAge', () => {
  it('answer preflights with the configured lists on both frameworks', async () => {
    const cors = {
      origins: ['https://app.example'],
      methods: ['get', 'post'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 7200,
    }
    const results = await onBoth({ cors }, { env: {} }, async (s) => {
      const pre = await send(`${s.url}/echo`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-other',
        },
      })
      const get = await send(`${s.url}/api/hello`, { headers: { origin: 'https://app.example' } })
      return {
        status: pre.status,
        methods: pre.headers['access-control-allow-methods'],
        headers: pre.headers['access-control-allow-headers'],
        maxAge: pre.headers['access-control-max-age'],
        exposed: get.headers['access-control-expose-headers'],
      }
    })
    expect(results[0]).toEqual({
      status: 204,
      methods: 'GET, POST',
      headers: 'Content-Type, Authorization',
      maxAge: '7200',
      exposed: 'X-Request-Id',
    })
    expect(results[1]).toEqual(results[0])
  })

  it.each([
    [{ methods: ['GET', 'BAD METHOD'] }, /cors\.methods: "BAD METHOD" is not a method or header name/],
    [{ allowedHeaders: ['x:y'] }, /cors\.allowedHeaders/],
    [{ maxAge: -1 }, /cors\.maxAge must be a whole number of seconds/],
    [{ orign: ['https://a.example'] }, /unknown option 'orign'.*Did you mean 'origin'\?/],
    [{ origin: ['https://a.example'], origins: ['https://b.example'] }, /both 'origins' and 'origin'/],
    [{ origin: 42 }, /cors\.origin must be an origin, a list of origins or RegExps, a function or a boolean/],
    [{ origin: [42] }, /cors\.origin: 42 is not an origin/],
    [{ optionsSuccessStatus: 302 }, /cors\.optionsSuccessStatus must be a 2xx status/],
    [{ preflightContinue: 'yes' }, /cors\.preflightContinue must be true or false/],
  ])('refuses %j', (cors, message) => {
    expect(() => createSecurity({ cors: cors as never }, { env: {} })).toThrow(message)
  })
})

describe('cors: false', () => {
  it('leaves preflights to the app', async () => {
    const server = await serve('express', { cors: false }, { env })
    try {
      const res = await send(`${server.url}/echo`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com', 'access-control-request-method': 'PUT' },
      })
      expect(server.hits['/echo']).toBe(1)
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
    } finally {
      await server.close()
    }
  })
})

describe('no allowed origins (the default)', () => {
  it.each(FRAMEWORKS)('refuses every cross-origin preflight on %s without Vary', async (framework) => {
    const server = await serve(framework, {}, { env: {} })
    try {
      const pre = await send(`${server.url}/echo`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com', 'access-control-request-method': 'PUT' },
      })
      expect(pre.status).toBe(403)
      const get = await send(`${server.url}/api/hello`, { headers: { origin: 'https://example.com' } })
      expect(get.headers.vary).toBeUndefined()
      expect(get.headers['access-control-allow-origin']).toBeUndefined()
    } finally {
      await server.close()
    }
  })
})
