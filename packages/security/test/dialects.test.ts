/**
 * The option shapes users already write for helmet and cors, passed to
 * createSecurity() as they are (docs/migrating.md), on both frameworks.
 */
import { createSecurity, type SecurityOptions } from '@kit/security'
import { describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { onBoth } from './support/servers.ts'

const env = { NODE_ENV: 'test' }

const thrown = (options: unknown): { code?: string; message: string } => {
  try {
    createSecurity(options as SecurityOptions, { env })
  } catch (error) {
    return error as { code?: string; message: string }
  }
  throw new Error('expected createSecurity() to throw')
}

describe("helmet's option names and shapes", () => {
  const helmetOptions: SecurityOptions = {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'https://cdn.example'],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: [],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'sameorigin' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: true,
    xDnsPrefetchControl: { allow: false },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xssFilter: false,
    noSniff: true,
    hidePoweredBy: true,
  }

  it('sends the headers they ask for, with kit defaults for the rest', async () => {
    const results = await onBoth(helmetOptions, { env }, async (s) => {
      const res = await send(`${s.url}/api/hello`)
      const csp = String(res.headers['content-security-policy'])
      return {
        csp: [
          csp.includes("default-src 'self'"),
          /script-src 'self' https:\/\/cdn\.example 'nonce-[^']+'/.test(csp),
          csp.includes('upgrade-insecure-requests'),
          // Kit's stricter defaults stay for directives not given.
          csp.includes("object-src 'none'") && csp.includes("base-uri 'none'"),
        ],
        frame: res.headers['x-frame-options'],
        referrer: res.headers['referrer-policy'],
        coop: res.headers['cross-origin-opener-policy'],
        corp: res.headers['cross-origin-resource-policy'],
        coep: res.headers['cross-origin-embedder-policy'],
        dns: res.headers['x-dns-prefetch-control'],
        crossDomain: res.headers['x-permitted-cross-domain-policies'],
        xss: res.headers['x-xss-protection'],
        nosniff: res.headers['x-content-type-options'],
      }
    })
    const expected = {
      csp: [true, true, true, true],
      frame: 'SAMEORIGIN',
      referrer: 'no-referrer',
      coop: 'same-origin-allow-popups',
      corp: 'cross-origin',
      coep: 'require-corp',
      dns: 'off',
      crossDomain: 'none',
      xss: undefined,
      nosniff: 'nosniff',
    }
    expect(results).toEqual([expected, expected])
  })

  it('maps strictTransportSecurity onto hsts', () => {
    expect(createSecurity(helmetOptions, { env }).config.hsts).toBe('max-age=31536000; includeSubDomains')
  })

  it("reads `true` as kit's own (stricter) default, not helmet's", () => {
    const plain = createSecurity({}, { env }).config
    const on = createSecurity(
      {
        contentSecurityPolicy: true,
        hsts: true,
        frameguard: true,
        referrerPolicy: true,
        crossOriginOpenerPolicy: true,
        crossOriginResourcePolicy: true,
      },
      { env },
    ).config
    expect(on.csp?.parts).toEqual(plain.csp?.parts)
    expect(on.hsts).toBe(plain.hsts)
    expect(on.staticHeaders).toEqual(plain.staticHeaders)
  })

  it('turns a header off with false, as helmet does', () => {
    const headers = new Map(
      createSecurity(
        { contentSecurityPolicy: false, frameguard: false, xDnsPrefetchControl: false, ieNoOpen: false },
        { env },
      ).config.staticHeaders,
    )
    expect(headers.has('X-Frame-Options')).toBe(false)
    expect(headers.has('X-DNS-Prefetch-Control')).toBe(false)
    expect(headers.has('X-Download-Options')).toBe(false)
    expect(headers.get('X-XSS-Protection')).toBe('0')
  })

  it('takes camelCase directives at the top level of csp too', () => {
    const csp = createSecurity({ csp: { connectSrc: ["'self'", 'https://api.example'] } }, { env }).config.csp
    expect(csp?.directives.get('connect-src')).toEqual(["'self'", 'https://api.example'])
  })

  it.each([
    [{ csp: {}, contentSecurityPolicy: {} }, /both 'csp' and 'contentSecurityPolicy'/],
    [{ hsts: {}, strictTransportSecurity: {} }, /both 'hsts' and 'strictTransportSecurity'/],
    [{ frameguard: true, xFrameOptions: true }, /both 'frameguard' and 'xFrameOptions'/],
    [{ referrerPolicy: { policy: 'nope' } }, /referrerPolicy: "nope" is not a Referrer-Policy/],
    [{ referrerPolicy: { polcy: 'no-referrer' } }, /unknown option 'polcy'.*Did you mean 'policy'/],
    [{ referrerPolicy: 42 }, /referrerPolicy must be a policy such as 'no-referrer'/],
    [{ frameguard: { action: 'allow-from' } }, /frameOptions must be 'DENY', 'SAMEORIGIN' or false/],
    [{ crossOriginOpenerPolicy: { policy: 'open' } }, /crossOriginOpenerPolicy: "open" is not allowed/],
    [{ noSniff: false }, /kit always sends X-Content-Type-Options: nosniff/],
    [{ hidePoweredBy: false }, /kit always removes X-Powered-By/],
    [
      { xDnsPrefetchControl: 'yes' },
      /legacyHeaders\.dnsPrefetchControl must be true or false or \{ allow \}/,
    ],
    [{ xssFilter: false, legacyHeaders: false }, /Give the X- headers in one place/],
    [{ xssFilter: false, xXssProtection: false }, /both 'xssFilter' and 'xXssProtection'/],
    [
      { legacyHeaders: { xssProtecton: false } },
      /unknown option 'xssProtecton'.*Did you mean 'xssProtection'/,
    ],
    [
      { xPermittedCrossDomainPolicies: { permittedPolicies: 'some' } },
      /"some" is not a policy\. Use one of none, master-only/,
    ],
    [{ contentSecurityPolicy: { directives: { defaultSrcc: ["'self'"] } } }, /Did you mean 'default-src'/],
  ])('%j gets a KitError with the fix', (options, message) => {
    const error = thrown(options)
    expect(error.code).toMatch(/^KIT_SECURITY_/)
    expect(error.message).toMatch(message)
  })
})

describe("cors's option shapes", () => {
  const preflight = (url: string, origin: string) =>
    send(`${url}/echo`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT' },
    })
  const allowOrigin = async (url: string, origin: string) =>
    (await send(`${url}/api/hello`, { headers: { origin } })).headers['access-control-allow-origin']

  it('takes origin as a safe RegExp, and only well-formed origins reach it', async () => {
    const origin = /^https:\/\/([a-z0-9-]+\.)*example\.com$/
    const results = await onBoth({ cors: { origin, credentials: true } }, { env }, async (s) => [
      await allowOrigin(s.url, 'https://app.example.com'),
      await allowOrigin(s.url, 'https://example.com'),
      await allowOrigin(s.url, 'https://evil-example.com'),
      await allowOrigin(s.url, 'https://APP.example.com'),
      await allowOrigin(s.url, 'https://app.example.com/'),
      await allowOrigin(s.url, 'null'),
    ])
    const expected = [
      'https://app.example.com',
      'https://example.com',
      undefined,
      undefined,
      undefined,
      undefined,
    ]
    expect(results).toEqual([expected, expected])
  })

  it('takes a mixed array of origins, patterns and RegExps', () => {
    const { origins } = createSecurity(
      { cors: { origin: ['https://a.example', 'https://*.b.example', /^https:\/\/c\.example:\d{4}$/] } },
      { env },
    ).config.cors!
    expect(
      ['https://a.example', 'https://x.b.example', 'https://c.example:8443'].map(origins.matches),
    ).toEqual([true, true, true])
    expect(origins.matches('https://c.example')).toBe(false)
  })

  it.each([
    [/example\.com$/, 'https://evil-example.com'],
    [/^https:\/\/.*\.example\.com/, 'https://www.example.com.attacker.example'],
    [/^https:\/\/app.example.com$/, 'https://appxexample.com'],
    [/.*/, 'https://kit-probe.attacker.example'],
    [/^https?:\/\/localhost(:\d+)?/, 'https://localhost.attacker.example'],
  ])('refuses %s at start-up: it matches %s', (origin, lookAlike) => {
    const error = thrown({ cors: { origin } })
    expect(error.code).toBe('KIT_SECURITY_CORS_UNSAFE_PATTERN')
    expect(error.message).toContain(`also matches ${lookAlike}`)
    expect(error.message).toContain("'https://*.example.com'")
  })

  it('asks an origin function, returning a boolean or calling back at once, on both frameworks', async () => {
    const allowed = new Set(['https://app.example'])
    const seen: string[] = []
    const byReturn = (o: string) => {
      seen.push(o)
      return allowed.has(o)
    }
    const byCallback = (o: string, cb: (error: Error | null, allow?: unknown) => void) => {
      cb(null, allowed.has(o))
    }
    for (const origin of [byReturn, byCallback]) {
      const results = await onBoth({ cors: { origin } }, { env }, async (s) => [
        await allowOrigin(s.url, 'https://app.example'),
        await allowOrigin(s.url, 'https://other.example'),
        await allowOrigin(s.url, 'https://app.example@evil.example'),
        (await preflight(s.url, 'https://other.example')).status,
      ])
      expect(results).toEqual([
        ['https://app.example', undefined, undefined, 403],
        ['https://app.example', undefined, undefined, 403],
      ])
    }
    // A malformed origin never reaches the function.
    expect(seen).not.toContain('https://app.example@evil.example')
  })

  it('refuses (and logs) an origin a function answers too late', async () => {
    const { log, warnings } = memoryLogger()
    const late = async () => true
    const results = await onBoth({ cors: { origin: late } }, { env, log }, async (s) =>
      allowOrigin(s.url, 'https://app.example'),
    )
    expect(results).toEqual([undefined, undefined])
    expect(warnings()).toContainEqual(expect.objectContaining({ code: 'KIT_SECURITY_CORS_ASYNC_ORIGIN' }))
  })

  it('reads origin: true as every origin ("*"), and refuses it with credentials', async () => {
    const results = await onBoth({ cors: { origin: true } }, { env }, (s) =>
      allowOrigin(s.url, 'https://anyone.example'),
    )
    expect(results).toEqual(['*', '*'])
    expect(thrown({ cors: { origin: true, credentials: true } }).code).toBe(
      'KIT_SECURITY_CORS_WILDCARD_CREDENTIALS',
    )
  })

  it('reads origin: false as no cross-origin caller', async () => {
    const results = await onBoth(
      { cors: { origin: false } },
      { env: { ...env, ALLOWED_ORIGINS: 'https://a.example' } },
      (s) => allowOrigin(s.url, 'https://a.example'),
    )
    expect(results).toEqual([undefined, undefined])
  })

  it('takes comma-separated methods and headers, and optionsSuccessStatus', async () => {
    const cors = {
      origin: 'https://app.example',
      methods: 'GET,PUT',
      allowedHeaders: 'Content-Type,Authorization',
      optionsSuccessStatus: 200,
    }
    const results = await onBoth({ cors }, { env }, async (s) => {
      const res = await preflight(s.url, 'https://app.example')
      return [
        res.status,
        res.headers['access-control-allow-methods'],
        res.headers['access-control-allow-headers'],
      ]
    })
    expect(results).toEqual([
      [200, 'GET, PUT', 'Content-Type, Authorization'],
      [200, 'GET, PUT', 'Content-Type, Authorization'],
    ])
  })

  it('lets an allowed preflight go on to the routes with preflightContinue, refusing others', async () => {
    const results = await onBoth(
      { cors: { origin: 'https://app.example', preflightContinue: true } },
      { env },
      async (s) => {
        const allowed = await preflight(s.url, 'https://app.example')
        const refused = await preflight(s.url, 'https://other.example')
        return [
          allowed.status === 204,
          allowed.headers['access-control-allow-methods'] !== undefined,
          refused.status,
        ]
      },
    )
    expect(results).toEqual([
      [false, true, 403],
      [false, true, 403],
    ])
  })
})
