import { createSecurity, DEFAULT_DENIED_FEATURES, isSecurity } from '@kit/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, onBoth, serve, type TestServer } from './support/servers.ts'

const env = { NODE_ENV: 'test' }
const HTTPS = { 'x-forwarded-proto': 'https' }

describe.each(FRAMEWORKS)('default headers on %s', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(framework, {}, { env })
  })
  afterAll(() => server.close())

  it('sends every default header once', async () => {
    const res = await send(`${server.url}/api/hello`, { headers: HTTPS })
    expect(res.status).toBe(200)
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
      'reporting-endpoints': 'csp-endpoint="/_kit/csp-report"',
    })
    for (const [name, count] of Object.entries(res.headerCounts)) expect([name, count]).toEqual([name, 1])
  })

  it('denies powerful features with Permissions-Policy', async () => {
    const res = await send(`${server.url}/`)
    const policy = String(res.headers['permissions-policy'])
    for (const feature of DEFAULT_DENIED_FEATURES) expect(policy).toContain(`${feature}=()`)
    // An RFC 8941 dictionary: key=inner-list members separated by ", ".
    expect(policy).toMatch(/^[a-z-]+=\(\)(, [a-z-]+=\(\))*$/)
  })

  it('sends no X-Powered-By and no Server header', async () => {
    const res = await send(`${server.url}/`)
    expect(res.headers['x-powered-by']).toBeUndefined()
    expect(res.headers.server).toBeUndefined()
  })

  it('sends no Cross-Origin-Embedder-Policy (it breaks embeds)', async () => {
    const res = await send(`${server.url}/`)
    expect(res.headers['cross-origin-embedder-policy']).toBeUndefined()
  })

  it('sends HSTS on HTTPS responses only', async () => {
    const plain = await send(`${server.url}/`)
    expect(plain.headers['strict-transport-security']).toBeUndefined()
    const secure = await send(`${server.url}/`, { headers: HTTPS })
    expect(secure.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
    expect(secure.headerCounts['strict-transport-security']).toBe(1)
  })

  it('sets the headers on 404 responses too', async () => {
    const res = await send(`${server.url}/nowhere`)
    expect(res.status).toBe(404)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
  })
})

describe.each(FRAMEWORKS)('installed twice on %s', (framework) => {
  it('still sends exactly one of each header, with one nonce', async () => {
    const server = await serve(framework, {}, { env }, { twice: true })
    try {
      const res = await send(`${server.url}/`, { headers: HTTPS })
      for (const [name, count] of Object.entries(res.headerCounts)) expect([name, count]).toEqual([name, 1])
      const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1]
      expect(nonce).toBeDefined()
      expect(res.body).toContain(`nonce="${nonce}"`)
    } finally {
      await server.close()
    }
  })
})

describe('the same config on Express and Fastify', () => {
  it('yields the same security headers (defaults, HTTPS, CORS)', async () => {
    const options = {
      cors: { origins: ['https://app.example.com'], credentials: true, exposedHeaders: ['X-Total'] },
    }
    const pick = (headers: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(headers)) {
        if (['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'etag'].includes(k))
          continue
        out[k] = k.startsWith('content-security-policy')
          ? String(v).replace(/'nonce-[^']+'/g, "'nonce-*'")
          : v
      }
      return out
    }
    const results = await onBoth(options, { env }, async (server) => {
      const page = await send(`${server.url}/`, { headers: { ...HTTPS, origin: 'https://app.example.com' } })
      const preflight = await send(`${server.url}/echo`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
      })
      return { page: pick(page.headers), preflight: pick(preflight.headers), status: preflight.status }
    })
    expect(results[0]).toEqual(results[1])
    expect(results[0]!.page['access-control-expose-headers']).toBe('X-Total')
  })

  it('yields the same headers with every option changed', async () => {
    const options = {
      referrerPolicy: 'no-referrer' as const,
      permissionsPolicy: {
        camera: ['self'],
        fullscreen: ['self', 'https://video.example'],
        usb: false as const,
      },
      crossOriginOpenerPolicy: 'same-origin-allow-popups' as const,
      crossOriginResourcePolicy: 'same-site' as const,
      crossOriginEmbedderPolicy: 'credentialless' as const,
      originAgentCluster: false,
      legacyHeaders: false,
      hsts: { maxAge: 31536000, preload: true },
      csp: { 'frame-ancestors': ["'self'"], 'connect-src': ["'self'", 'wss://live.example'] },
    }
    const results = await onBoth(options, { env }, async (server) => {
      const res = await send(`${server.url}/api/hello`, { headers: HTTPS })
      const {
        date,
        connection,
        'keep-alive': _k,
        'content-length': _l,
        'content-type': _t,
        etag,
        ...rest
      } = res.headers
      const out: Record<string, unknown> = { ...rest }
      out['content-security-policy'] = String(rest['content-security-policy']).replace(/'nonce-[^']+'/g, 'N')
      return out
    })
    expect(results[0]).toEqual(results[1])
    expect(results[0]).toMatchObject({
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'cross-origin-resource-policy': 'same-site',
      'cross-origin-embedder-policy': 'credentialless',
      'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    })
    expect(results[0]!['permissions-policy']).toContain('camera=(self)')
    expect(results[0]!['permissions-policy']).toContain('fullscreen=(self "https://video.example")')
    expect(results[0]!['permissions-policy']).not.toContain('usb=')
    expect(results[0]!['origin-agent-cluster']).toBeUndefined()
    expect(results[0]!['x-xss-protection']).toBeUndefined()
    expect(results[0]!['content-security-policy']).toContain('connect-src ' + "'self' wss://live.example")
  })
})

describe('referrerPolicy', () => {
  it('accepts a list (browsers use the last token they know)', async () => {
    const [express, fastify] = await onBoth(
      { referrerPolicy: ['no-referrer', 'strict-origin'] },
      { env },
      async (s) => send(`${s.url}/`).then((r) => r.headers['referrer-policy']),
    )
    expect(express).toBe('no-referrer, strict-origin')
    expect(fastify).toBe(express)
  })

  it('can be turned off', async () => {
    const values = await onBoth(
      { referrerPolicy: false },
      { env },
      async (s) => (await send(`${s.url}/`)).headers['referrer-policy'],
    )
    expect(values).toEqual([undefined, undefined])
  })

  it('refuses an unknown token, naming it and the valid ones', () => {
    expect(() => createSecurity({ referrerPolicy: 'strict' as never }, { env })).toThrow(
      /referrerPolicy: "strict" is not a Referrer-Policy\. Use one of no-referrer/,
    )
  })

  it('warns once about a policy that leaks URLs', () => {
    const { log, warnings } = memoryLogger()
    createSecurity({ referrerPolicy: 'unsafe-url' }, { env, log })
    expect(warnings().map((w) => w.warning)).toEqual(['referrer-policy-unsafe'])
  })
})

describe('frameOptions', () => {
  it("follows frame-ancestors: none → DENY, 'self' → SAMEORIGIN, an origin → not sent", async () => {
    const values = []
    for (const ancestors of [["'none'"], ["'self'"], ['https://partner.example']]) {
      values.push(
        ...(await onBoth(
          { csp: { 'frame-ancestors': ancestors } },
          { env },
          async (s) => (await send(`${s.url}/`)).headers['x-frame-options'],
        )),
      )
    }
    expect(values).toEqual(['DENY', 'DENY', 'SAMEORIGIN', 'SAMEORIGIN', undefined, undefined])
  })

  it('refuses anything but DENY, SAMEORIGIN or false', () => {
    expect(() => createSecurity({ frameOptions: 'ALLOW-FROM x' as never }, { env })).toThrow(
      /frameOptions must be 'DENY', 'SAMEORIGIN' or false/,
    )
  })
})

describe('cross-origin policies', () => {
  it.each([
    ['crossOriginOpenerPolicy', 'same-site'],
    ['crossOriginResourcePolicy', 'none'],
    ['crossOriginEmbedderPolicy', 'require-everything'],
  ])('%s refuses %s', (name, value) => {
    expect(() => createSecurity({ [name]: value }, { env })).toThrow(
      new RegExp(`${name}: "${value}" is not allowed`),
    )
  })
})

describe('permissionsPolicy', () => {
  it.each([
    [{ Camera: [] }, /'Camera' is not a feature name/],
    [{ camera: "'self'" }, /must be an array/],
    [{ camera: ["'self'"] }, /not an allowlist entry.*no quotes inside the string/],
    [{ camera: ['example.com'] }, /not an allowlist entry/],
  ])('refuses %j', (value, message) => {
    expect(() => createSecurity({ permissionsPolicy: value as never }, { env })).toThrow(message)
  })

  it('sends none when turned off', async () => {
    const values = await onBoth(
      { permissionsPolicy: false },
      { env },
      async (s) => (await send(`${s.url}/`)).headers['permissions-policy'],
    )
    expect(values).toEqual([undefined, undefined])
  })
})

describe('createSecurity options', () => {
  it('names an unknown option and suggests the right one', () => {
    expect(() => createSecurity({ contentSecurityPolicies: {} } as never, { env })).toThrow(
      /unknown option 'contentSecurityPolicies'.*Did you mean 'contentSecurityPolicy'\?/,
    )
    expect(() => createSecurity({ cspp: {} } as never, { env })).toThrow(/Did you mean 'csp'\?/)
  })

  it('throws KitErrors with a stable code and docs link', () => {
    try {
      createSecurity({ hsts: { maxAge: -1 } }, { env })
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ name: 'KitError', code: 'KIT_SECURITY_INVALID_OPTION' })
      expect((error as { docs: string }).docs).toContain('#kit_security_invalid_option')
    }
  })

  it('is recognised by isSecurity()', () => {
    expect(isSecurity(createSecurity({}, { env }))).toBe(true)
    expect(isSecurity({ steps: () => ({}) })).toBe(false)
  })
})
