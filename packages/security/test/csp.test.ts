import { createSecurity, type SecurityOptions } from '@kit/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, onBoth, serve, type TestServer } from './support/servers.ts'

const env = { NODE_ENV: 'test' }
const HTTPS = { 'x-forwarded-proto': 'https' }

async function cspOnBoth(options: SecurityOptions, headers: Record<string, string> = {}): Promise<string[]> {
  const values = await onBoth(options, { env }, async (s) => {
    const res = await send(`${s.url}/`, { headers })
    return String(
      res.headers['content-security-policy'] ?? res.headers['content-security-policy-report-only'] ?? '',
    )
  })
  expect(values[0]!.replace(/'nonce-[^']+'/g, 'N')).toBe(values[1]!.replace(/'nonce-[^']+'/g, 'N'))
  return values
}

function directives(policy: string): Record<string, string> {
  return Object.fromEntries(
    policy.split('; ').map((d) => {
      const [name = '', ...rest] = d.split(' ')
      return [name, rest.join(' ')]
    }),
  )
}

describe.each(FRAMEWORKS)('nonce on %s', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(framework, {}, { env })
  })
  afterAll(() => server.close())

  it('puts a fresh 128-bit nonce in script-src and style-src and hands the same one to the page', async () => {
    const res = await send(`${server.url}/`)
    const policy = directives(String(res.headers['content-security-policy']))
    const nonce = /'nonce-([A-Za-z0-9+/=]{24})'/.exec(policy['script-src'] ?? '')?.[1]
    expect(nonce).toBeDefined()
    expect(Buffer.from(nonce!, 'base64')).toHaveLength(16)
    expect(policy['script-src']).toBe(`'self' 'nonce-${nonce}'`)
    expect(policy['style-src']).toBe(`'self' 'nonce-${nonce}'`)
    expect(res.body).toContain(`<script nonce="${nonce}">`)
  })

  it('never repeats a nonce', async () => {
    const nonces = new Set<string>()
    for (let i = 0; i < 40; i++) {
      const res = await send(`${server.url}/api/hello`)
      nonces.add(/'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))![1]!)
    }
    expect(nonces.size).toBe(40)
  })

  it("sends kit's strict default policy", async () => {
    const res = await send(`${server.url}/`, { headers: HTTPS })
    const policy = directives(String(res.headers['content-security-policy']))
    expect(policy).toMatchObject({
      'default-src': "'none'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
      'report-uri': '/_kit/csp-report',
      'report-to': 'csp-endpoint',
    })
    // Breaks plain-http localhost in Safari: production only.
    expect(policy['upgrade-insecure-requests']).toBeUndefined()
    expect(res.headers['reporting-endpoints']).toBe('csp-endpoint="/_kit/csp-report"')
  })

  it('leaves report-to and Reporting-Endpoints out of plain-HTTP responses (Chromium would then send no report)', async () => {
    const res = await send(`${server.url}/`)
    const policy = directives(String(res.headers['content-security-policy']))
    expect(policy['report-uri']).toBe('/_kit/csp-report')
    expect(policy['report-to']).toBeUndefined()
    expect(res.headers['reporting-endpoints']).toBeUndefined()
  })
})

describe('directives', () => {
  it('are extended from the top-level shortcut, as kit.config writes it', async () => {
    const [policy] = await cspOnBoth({ csp: { 'connect-src': ["'self'", 'wss:'] } })
    const d = directives(policy!)
    expect(d['connect-src']).toBe("'self' wss:")
    expect(d['default-src']).toBe("'none'")
    expect(d['img-src']).toBe("'self' data:")
  })

  it('are extended from csp.directives, which wins over the shortcut', async () => {
    const [policy] = await cspOnBoth({
      csp: { 'img-src': ["'self'"], directives: { 'img-src': ["'self'", 'https://img.example'] } },
    })
    expect(directives(policy!)['img-src']).toBe("'self' https://img.example")
  })

  it('accept a space-separated string', async () => {
    const [policy] = await cspOnBoth({ csp: { 'font-src': "'self' https://fonts.example" } })
    expect(directives(policy!)['font-src']).toBe("'self' https://fonts.example")
  })

  it('drop a default directive given false or null', async () => {
    const [policy] = await cspOnBoth({ csp: { 'worker-src': false, 'media-src': null } })
    expect(directives(policy!)['worker-src']).toBeUndefined()
    expect(directives(policy!)['media-src']).toBeUndefined()
  })

  it('start from nothing with useDefaults: false', async () => {
    const [policy] = await cspOnBoth({
      csp: { useDefaults: false, reportPath: false, 'default-src': ["'self'"] },
    })
    expect(policy).toBe("default-src 'self'")
  })

  it('turn on a valueless directive with true', async () => {
    const [policy] = await cspOnBoth({ csp: { 'upgrade-insecure-requests': true } })
    expect(policy).toMatch(/; upgrade-insecure-requests(;|$)/)
  })

  it('send upgrade-insecure-requests in production', async () => {
    const [policy] = await onBoth({ production: true }, { env }, async (s) =>
      String((await send(`${s.url}/`, { headers: HTTPS })).headers['content-security-policy']),
    )
    expect(policy).toContain('upgrade-insecure-requests')
  })
})

describe('nonce option', () => {
  it('nonce: false sends one static policy and no nonce to the page', async () => {
    const values = await onBoth({ csp: { nonce: false } }, { env }, async (s) => {
      const a = await send(`${s.url}/`)
      const b = await send(`${s.url}/`)
      return [a.headers['content-security-policy'], b.headers['content-security-policy'], a.body]
    })
    for (const [a, b, body] of values) {
      expect(a).toBe(b)
      expect(a).not.toContain('nonce')
      expect(body).toMatch(/nonce="(undefined)?"/)
    }
  })

  it("is left out of a directive that allows 'unsafe-inline' (a nonce would disable it)", async () => {
    const [policy] = await cspOnBoth({ csp: { 'style-src': ["'self'", "'unsafe-inline'"] } })
    const d = directives(policy!)
    expect(d['style-src']).toBe("'self' 'unsafe-inline'")
    expect(d['script-src']).toMatch(/^'self' 'nonce-/)
  })

  it('is added to script-src-elem when the app uses it', async () => {
    const [policy] = await cspOnBoth({ csp: { 'script-src-elem': ["'self'"] } })
    expect(directives(policy!)['script-src-elem']).toMatch(/^'self' 'nonce-/)
  })
})

describe('reportOnly', () => {
  it('sends Content-Security-Policy-Report-Only instead of enforcing', async () => {
    const values = await onBoth(
      { csp: { reportOnly: true } },
      { env },
      async (s) => (await send(`${s.url}/`)).headers,
    )
    for (const headers of values) {
      expect(headers['content-security-policy']).toBeUndefined()
      expect(headers['content-security-policy-report-only']).toContain("default-src 'none'")
    }
  })

  it('warns in production that nothing is blocked', () => {
    const { log, warnings } = memoryLogger()
    createSecurity({ production: true, csp: { reportOnly: true } }, { env, log })
    expect(warnings().map((w) => w.warning)).toContain('csp-report-only')
  })
})

describe('reportPath', () => {
  it('false sends no report directives and no Reporting-Endpoints', async () => {
    const values = await onBoth(
      { csp: { reportPath: false } },
      { env },
      async (s) => (await send(`${s.url}/`)).headers,
    )
    for (const headers of values) {
      expect(headers['content-security-policy']).not.toMatch(/report-(uri|to)/)
      expect(headers['reporting-endpoints']).toBeUndefined()
    }
  })

  it('moves the endpoint', async () => {
    const [policy] = await cspOnBoth({ csp: { reportPath: '/csp' } })
    expect(directives(policy!)['report-uri']).toBe('/csp')
  })

  it("keeps the app's own report-uri and report-to instead of adding a second one", async () => {
    const [policy] = await cspOnBoth({
      csp: { 'report-uri': ['https://reports.example/csp'], 'report-to': ['main'] },
    })
    expect(policy!.match(/report-uri/g)).toHaveLength(1)
    expect(policy!.match(/report-to/g)).toHaveLength(1)
    expect(directives(policy!)['report-uri']).toBe('https://reports.example/csp')
  })

  it("'report-to': false keeps report-uri alone, on HTTPS too", async () => {
    const values = await onBoth(
      { csp: { 'report-to': false } },
      { env },
      async (s) => (await send(`${s.url}/`, { headers: HTTPS })).headers,
    )
    for (const headers of values) {
      expect(headers['content-security-policy']).toContain('report-uri /_kit/csp-report')
      expect(headers['content-security-policy']).not.toContain('report-to')
      expect(headers['reporting-endpoints']).toBeUndefined()
    }
  })

  it('refuses a path that is not a plain path', () => {
    expect(() => createSecurity({ csp: { reportPath: 'csp"report' } }, { env })).toThrow(
      /csp\.reportPath must be a path/,
    )
  })
})

describe('invalid CSP configuration', () => {
  it.each([
    [{ 'script-src': ['self'] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /unquoted keyword self.*Write "'self'"/],
    [{ 'default-src': ['none'] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /unquoted keyword none/],
    [
      { 'script-src': ["'self'", 'unsafe-inline'] },
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      /unquoted keyword unsafe-inline/,
    ],
    [{ 'script-src': ['nonce-abc'] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /unquoted keyword nonce-abc/],
    [{ 'script-src': ['sha256-abc='] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /unquoted keyword sha256-abc=/],
    [{ 'script-src': ["'selff'"] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /'selff', which is not a CSP keyword/],
    [
      { 'script-src': ["'self' https://cdn.example"] },
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      /one source per array item/,
    ],
    [
      { 'script-src': ["'self'; object-src *"] },
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      /contains a space, ';' or ','/,
    ],
    [
      { 'img-src': ["'none'", "'self'"] },
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      /mixes 'none' with other sources/,
    ],
    [{ 'img-src': [] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /is empty/],
    [{ 'img-src': [42] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /has a number source/],
    [{ 'script-src': [() => "'nonce-x'"] }, 'KIT_SECURITY_CSP_INVALID_SOURCE', /the nonce is added for you/],
    [{ 'img-src': true }, 'KIT_SECURITY_INVALID_OPTION', /needs sources; got true/],
    [{ 'upgrade-insecure-requests': ['yes'] }, 'KIT_SECURITY_INVALID_OPTION', /takes no sources/],
    [
      { scriptSrcc: ["'self'"] },
      'KIT_SECURITY_CSP_UNKNOWN_DIRECTIVE',
      /'scriptSrcc' is not a CSP directive.*Did you mean 'script-src'\?/,
    ],
    [
      { scriptSrc: ["'self'"], 'script-src': ["'self'"] },
      'KIT_SECURITY_INVALID_OPTION',
      /sets 'script-src' twice, as 'scriptSrc' and as 'script-src'/,
    ],
    [{ 'conect-src': ["'self'"] }, 'KIT_SECURITY_CSP_UNKNOWN_DIRECTIVE', /Did you mean 'connect-src'\?/],
    [
      { directives: { reportOnly: true } },
      'KIT_SECURITY_CSP_UNKNOWN_DIRECTIVE',
      /csp\.directives: 'reportOnly' is not a CSP directive/,
    ],
    [
      { reportMaxBytes: 0 },
      'KIT_SECURITY_INVALID_OPTION',
      /csp\.reportMaxBytes must be a positive whole number/,
    ],
  ])('%j throws %s', (csp, code, message) => {
    let thrown: unknown
    try {
      createSecurity({ csp: csp as never }, { env })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code })
    expect((thrown as Error).message).toMatch(message)
  })
})

describe('CSP warnings', () => {
  it.each([
    [{ 'script-src': ["'self'", "'unsafe-inline'"] }, 'csp-unsafe-inline'],
    [{ 'script-src': ["'self'", "'unsafe-eval'"] }, 'csp-unsafe-eval'],
    [{ 'script-src': ['https:'] }, 'csp-broad-script-src'],
    [{ 'img-src': ['http://img.example'] }, 'csp-insecure-source'],
    [{ useDefaults: false, 'img-src': ["'self'"] }, 'csp-no-script-src'],
  ])('%j warns %s once', (csp, id) => {
    const { log, warnings } = memoryLogger()
    createSecurity({ production: true, hosts: false, csp }, { env, log })
    const ids = warnings().map((w) => w.warning)
    expect(ids).toContain(id)
    expect(ids.filter((i) => i === id)).toHaveLength(1)
  })

  it('are silenced one at a time with silenceWarnings, and the message names that option', () => {
    const { log, warnings } = memoryLogger()
    const csp = { 'script-src': ["'unsafe-inline'", "'unsafe-eval'"] }
    const security = createSecurity(
      { production: true, hosts: false, csp, silenceWarnings: ['csp-unsafe-inline'] },
      { env, log },
    )
    expect(warnings().map((w) => w.warning)).not.toContain('csp-unsafe-inline')
    expect(security.warnings).not.toContain('csp-unsafe-inline')
    const unsafeEval = warnings().find((w) => w.warning === 'csp-unsafe-eval')
    expect(unsafeEval?.msg).toContain("silence with silenceWarnings: ['csp-unsafe-eval']")
  })

  it('still honour the old name, ignoreWarnings, and say to rename it', () => {
    const { log, warnings } = memoryLogger()
    const security = createSecurity(
      {
        production: true,
        hosts: false,
        csp: { 'script-src': ["'unsafe-inline'"] },
        ignoreWarnings: ['csp-unsafe-inline'],
      },
      { env, log },
    )
    expect(security.warnings).not.toContain('csp-unsafe-inline')
    const deprecation = warnings().find((w) => w.deprecated === 'ignoreWarnings')
    expect(deprecation?.msg).toContain('`ignoreWarnings` option is now `silenceWarnings`')
  })
})
