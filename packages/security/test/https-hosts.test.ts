import type { IncomingMessage } from 'node:http'
import { createSecurity } from '@kit/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, serve, type TestServer } from './support/servers.ts'

const skip = (req: IncomingMessage): boolean => req.url === '/health'

describe.each(FRAMEWORKS)('forceHttps on %s (behind a trusted proxy)', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(framework, { forceHttps: true }, { env: { NODE_ENV: 'test' }, skip })
  })
  afterAll(() => server.close())

  it('redirects GET over plain HTTP with 301 to the same host, path and query', async () => {
    const res = await send(`${server.url}/api/hello?x=1&y=%20`, { headers: { host: 'shop.example.com' } })
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('https://shop.example.com/api/hello?x=1&y=%20')
    expect(server.hits['/api/hello']).toBeUndefined()
  })

  it('redirects HEAD with 301 and POST/PUT/DELETE with 308 (method and body kept)', async () => {
    const head = await send(`${server.url}/`, { method: 'HEAD', headers: { host: 'shop.example.com' } })
    expect(head.status).toBe(301)
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await send(`${server.url}/echo`, {
        method,
        headers: { host: 'shop.example.com' },
        body: '{}',
      })
      expect([method, res.status, res.headers.location]).toEqual([
        method,
        308,
        'https://shop.example.com/echo',
      ])
    }
    expect(server.hits['/echo']).toBeUndefined()
  })

  it('serves the request when the trusted proxy says X-Forwarded-Proto: https', async () => {
    const res = await send(`${server.url}/api/hello`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(res.status).toBe(200)
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
  })

  it('exempts health routes', async () => {
    const res = await send(`${server.url}/health`)
    expect(res.status).toBe(200)
    expect(res.body).toBe('ok')
  })

  it('never lets a scheme-relative path (//evil.com) steer the redirect', async () => {
    const res = await send(`${server.url}//evil.com/x`, { headers: { host: 'shop.example.com' } })
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('https://shop.example.com/')
  })

  it('answers a malformed Host header with 400, not 500', async () => {
    for (const host of ['exa mple.com', 'example.com@evil.com', 'a/b', '[zz]:1']) {
      const res = await send(`${server.url}/`, { headers: { host } })
      expect([host, res.status]).toEqual([host, 400])
      expect(res.json().error.code).toBe('KIT_SECURITY_BAD_HOST')
    }
  })
})

describe.each(FRAMEWORKS)('forceHttps on %s with an untrusted peer', (framework) => {
  it('ignores X-Forwarded-Proto and warns once that TRUST_PROXY is missing', async () => {
    const { log, warnings } = memoryLogger()
    const server = await serve(
      framework,
      { forceHttps: true },
      { env: { NODE_ENV: 'test' }, log },
      { trustProxy: false },
    )
    try {
      for (let i = 0; i < 2; i++) {
        const res = await send(`${server.url}/`, {
          headers: { 'x-forwarded-proto': 'https', host: 'example.com' },
        })
        expect(res.status).toBe(301)
        expect(res.headers['strict-transport-security']).toBeUndefined()
      }
      expect(warnings().filter((w) => w.warning === 'untrusted-forwarded-proto')).toHaveLength(1)
    } finally {
      await server.close()
    }
  })
})

describe('httpsPort', () => {
  it.each(FRAMEWORKS)('puts a non-default HTTPS port in the redirect on %s', async (framework) => {
    const server = await serve(
      framework,
      { forceHttps: true, httpsPort: 8443 },
      { env: { NODE_ENV: 'test' } },
    )
    try {
      const res = await send(`${server.url}/a?b`, { headers: { host: 'localhost:8080' } })
      expect(res.headers.location).toBe('https://localhost:8443/a?b')
    } finally {
      await server.close()
    }
  })

  it.each(FRAMEWORKS)('takes the port from APP_URL (https://host:8443) on %s', async (framework) => {
    // Regression: the redirect went to 443 unless httpsPort repeated APP_URL's port.
    const server = await serve(
      framework,
      { forceHttps: true },
      { env: { NODE_ENV: 'test', APP_URL: 'https://localhost:8443' } },
    )
    const explicit = await serve(
      framework,
      { forceHttps: true, httpsPort: 9443 },
      { env: { NODE_ENV: 'test', APP_URL: 'https://localhost:8443' } },
    )
    try {
      const res = await send(`${server.url}/a?b`, { headers: { host: 'localhost:8080' } })
      expect(res.headers.location).toBe('https://localhost:8443/a?b')
      const own = await send(`${explicit.url}/a`, { headers: { host: 'localhost:8080' } })
      expect(own.headers.location).toBe('https://localhost:9443/a')
    } finally {
      await server.close()
      await explicit.close()
    }
  })

  it.each(FRAMEWORKS)('keeps 443 for an APP_URL without a port on %s', async (framework) => {
    const server = await serve(
      framework,
      { forceHttps: true },
      { env: { NODE_ENV: 'test', APP_URL: 'https://localhost' } },
    )
    try {
      const res = await send(`${server.url}/a`, { headers: { host: 'localhost:8080' } })
      expect(res.headers.location).toBe('https://localhost/a')
    } finally {
      await server.close()
    }
  })

  it('refuses a port outside 1-65535', () => {
    expect(() => createSecurity({ httpsPort: 70000 }, { env: {} })).toThrow(/httpsPort must be a port number/)
  })
})

describe('FORCE_HTTPS and production defaults', () => {
  it.each(FRAMEWORKS)('is on in production and off elsewhere on %s', async (framework) => {
    const prod = await serve(framework, {}, { env: { NODE_ENV: 'production' } })
    const dev = await serve(framework, {}, { env: { NODE_ENV: 'development' } })
    try {
      expect((await send(`${prod.url}/`)).status).toBe(301)
      expect((await send(`${dev.url}/`)).status).toBe(200)
    } finally {
      await prod.close()
      await dev.close()
    }
  })

  it.each(FRAMEWORKS)(
    'FORCE_HTTPS=false turns it off in production (with a warning) on %s',
    async (framework) => {
      const { log, warnings } = memoryLogger()
      const server = await serve(
        framework,
        {},
        { env: { NODE_ENV: 'production', FORCE_HTTPS: 'false' }, log },
      )
      try {
        expect((await send(`${server.url}/`)).status).toBe(200)
        expect(warnings().map((w) => w.warning)).toContain('https-redirect-off')
      } finally {
        await server.close()
      }
    },
  )

  it('the forceHttps option beats FORCE_HTTPS', () => {
    const security = createSecurity({ forceHttps: false }, { env: { FORCE_HTTPS: 'true' } })
    expect(security.config.https.force).toBe(false)
  })

  it.each([['maybe'], ['2']])('FORCE_HTTPS=%s throws KIT_SECURITY_INVALID_ENV', (value) => {
    expect(() => createSecurity({}, { env: { FORCE_HTTPS: value } })).toThrow(
      /FORCE_HTTPS must be true or false; got "/,
    )
  })
})

describe('HSTS', () => {
  it('takes HSTS_MAX_AGE from env, and hsts.maxAge beats it', () => {
    expect(createSecurity({}, { env: { HSTS_MAX_AGE: '31536000' } }).config.hsts).toBe(
      'max-age=31536000; includeSubDomains',
    )
    expect(createSecurity({ hsts: { maxAge: 600 } }, { env: { HSTS_MAX_AGE: '31536000' } }).config.hsts).toBe(
      'max-age=600; includeSubDomains',
    )
  })

  it('refuses below six months in production, naming the setting and the fix', () => {
    expect(() => createSecurity({}, { env: { NODE_ENV: 'production', HSTS_MAX_AGE: 86400 } })).toThrow(
      /HSTS_MAX_AGE is 86400 seconds in production; scanners require at least 15552000.*Use 63072000/,
    )
    expect(() => createSecurity({ production: true, hsts: { maxAge: 0 } }, { env: {} })).toThrow(
      /hsts\.maxAge is 0 seconds/,
    )
  })

  it('refuses preload without a year and includeSubDomains', () => {
    expect(() => createSecurity({ hsts: { maxAge: 600, preload: true } }, { env: {} })).toThrow(
      /hsts\.preload needs/,
    )
    expect(() => createSecurity({ hsts: { includeSubDomains: false, preload: true } }, { env: {} })).toThrow(
      /without includeSubDomains/,
    )
  })

  it.each([['two years'], ['-5'], ['1.5']])('HSTS_MAX_AGE=%s throws KIT_SECURITY_INVALID_ENV', (value) => {
    expect(() => createSecurity({}, { env: { HSTS_MAX_AGE: value } })).toThrow(
      /HSTS_MAX_AGE must be a whole number of seconds/,
    )
  })

  it('hsts: false sends none even on HTTPS', async () => {
    const server = await serve('fastify', { hsts: false }, { env: {} })
    try {
      const res = await send(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } })
      expect(res.headers['strict-transport-security']).toBeUndefined()
    } finally {
      await server.close()
    }
  })
})

describe.each(FRAMEWORKS)('allowed hosts on %s', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(
      framework,
      { hosts: { allowed: ['example.com', '*.example.org'] } },
      { env: {}, skip },
    )
  })
  afterAll(() => server.close())

  it('serves listed hosts and subdomains of a *. entry', async () => {
    for (const host of ['example.com', 'EXAMPLE.com:8080', 'api.example.org', 'a.b.example.org']) {
      const res = await send(`${server.url}/api/hello`, { headers: { host } })
      expect([host, res.status]).toEqual([host, 200])
    }
  })

  it('answers other hosts with 421 before the app sees them (DNS rebinding)', async () => {
    const before = server.hits['/api/hello'] ?? 0
    for (const host of ['evil.com', '127.0.0.1', 'example.com.evil.com', 'example.org', 'evilexample.com']) {
      const res = await send(`${server.url}/api/hello`, { headers: { host } })
      expect([host, res.status]).toEqual([host, 421])
      expect(res.json()).toMatchObject({ error: { status: 421, code: 'KIT_SECURITY_UNKNOWN_HOST' } })
    }
    expect(server.hits['/api/hello'] ?? 0).toBe(before)
  })

  it('checks X-Forwarded-Host from the trusted proxy', async () => {
    const res = await send(`${server.url}/api/hello`, {
      headers: { host: 'example.com', 'x-forwarded-host': 'evil.com' },
    })
    expect(res.status).toBe(421)
  })

  it('exempts health routes (load balancers probe by IP)', async () => {
    const res = await send(`${server.url}/health`, { headers: { host: '10.0.0.7' } })
    expect(res.status).toBe(200)
  })
})

describe.each(FRAMEWORKS)('canonical host on %s (production, APP_URL)', (framework) => {
  let server: TestServer
  const env = { NODE_ENV: 'production', APP_URL: 'https://example.com' }
  beforeAll(async () => {
    server = await serve(framework, {}, { env, skip })
  })
  afterAll(() => server.close())

  it('redirects the www. twin to APP_URL over HTTPS, keeping path and query, with HSTS', async () => {
    const res = await send(`${server.url}/a/b?c=d`, {
      headers: { host: 'www.example.com', 'x-forwarded-proto': 'https' },
    })
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('https://example.com/a/b?c=d')
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
  })

  it('redirects plain HTTP on the www. twin to HTTPS on the same host first (preload rule)', async () => {
    const res = await send(`${server.url}/x`, { headers: { host: 'www.example.com' } })
    expect(res.headers.location).toBe('https://www.example.com/x')
  })

  it('uses 308 for other methods', async () => {
    const res = await send(`${server.url}/echo`, {
      method: 'POST',
      headers: { host: 'www.example.com', 'x-forwarded-proto': 'https' },
      body: 'x',
    })
    expect(res.status).toBe(308)
  })

  it('serves APP_URL itself and refuses every other host with 421', async () => {
    const ok = await send(`${server.url}/api/hello`, {
      headers: { host: 'example.com', 'x-forwarded-proto': 'https' },
    })
    expect(ok.status).toBe(200)
    const other = await send(`${server.url}/api/hello`, {
      headers: { host: 'api.example.com', 'x-forwarded-proto': 'https' },
    })
    expect(other.status).toBe(421)
  })
})

describe('host configuration', () => {
  it('redirects a www. canonical host from the apex', () => {
    const security = createSecurity(
      {},
      { env: { NODE_ENV: 'production', APP_URL: 'https://www.example.com' } },
    )
    expect(security.config.hosts.canonical).toBe('www.example.com')
    expect([...security.config.hosts.aliases]).toEqual(['example.com'])
  })

  it('checks no host outside production, and warns in production without APP_URL', () => {
    expect(
      createSecurity({}, { env: { APP_URL: 'https://example.com' } }).config.hosts.allowed,
    ).toBeUndefined()
    const { log, warnings } = memoryLogger()
    createSecurity({}, { env: { NODE_ENV: 'production' }, log })
    expect(warnings().map((w) => w.warning)).toContain('hosts-unchecked')
  })

  it('hosts.canonical: false keeps the allowlist but never redirects', () => {
    const security = createSecurity(
      { hosts: { canonical: false } },
      { env: { NODE_ENV: 'production', APP_URL: 'https://example.com' } },
    )
    expect(security.config.hosts.canonical).toBeUndefined()
    expect(security.config.hosts.allowed?.names).toEqual(['example.com'])
  })

  it.each([
    [{ allowed: ['https://example.com'] }, /hosts\.allowed: "https:\/\/example\.com" is not a host name/],
    [{ allowed: ['example.com/path'] }, /is not a host name/],
    [{ allowed: ['*.com'] }, /is not a host name/],
    [{ allowed: ['example.com:443'] }, /without scheme, path or port/],
    [{ canonical: 'exa mple.com' }, /hosts\.canonical/],
  ])('refuses %j', (hosts, message) => {
    expect(() => createSecurity({ hosts }, { env: {} })).toThrow(message)
  })

  it.each([['example.com'], ['ftp://example.com'], ['https://']])(
    'APP_URL=%s throws KIT_SECURITY_INVALID_ENV',
    (value) => {
      expect(() => createSecurity({}, { env: { APP_URL: value } })).toThrow(
        /APP_URL must be the public URL of the app/,
      )
    },
  )
})
