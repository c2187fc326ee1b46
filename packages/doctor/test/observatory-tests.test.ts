import { type ObservatoryInput, scoreObservatory } from '@kit/doctor'
import { parseCsp, parseDictionary, structuredToken } from '@kit/doctor/observatory'
import { describe, expect, it } from 'vitest'
import { registrableDomain } from '../src/observatory/domain.ts'

const URL_ = 'https://example.com/'
const BASE: Record<string, string | string[]> = {
  'content-type': 'text/html',
  'content-security-policy': "default-src 'none'",
  'strict-transport-security': 'max-age=31536000',
}

/** The result one Observatory test gives for a page with these headers (merged over a passing base). */
function resultOf(
  test: string,
  headers: Record<string, string | string[] | undefined>,
  extra: Partial<ObservatoryInput> = {},
): string {
  const merged: Record<string, string | string[]> = { ...BASE }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete merged[name]
    else merged[name] = value
  }
  const input: ObservatoryInput = {
    url: URL_,
    https: { status: 200, headers: merged, body: extra.https?.body ?? '' },
    algorithm: 6,
    ...extra,
  }
  if (extra.https) input.https = { ...extra.https, headers: { ...merged, ...extra.https.headers } }
  const found = scoreObservatory(input).tests.find((t) => t.name === test)
  if (!found) throw new Error(`no test ${test}`)
  return found.result
}

type Row = [
  label: string,
  headers: Record<string, string | string[] | undefined>,
  result: string,
  extra?: Partial<ObservatoryInput>,
]

const CSP: Row[] = [
  ['no policy', { 'content-security-policy': undefined }, 'csp-not-implemented'],
  [
    'report-only alone',
    { 'content-security-policy': undefined, 'content-security-policy-report-only': "default-src 'none'" },
    'csp-not-implemented-but-reporting-enabled',
  ],
  ['a policy under 6 characters', { 'content-security-policy': 'a' }, 'csp-header-invalid'],
  [
    'a repeated directive',
    { 'content-security-policy': "script-src 'self'; script-src 'none'" },
    'csp-header-invalid',
  ],
  [
    "'strict-dynamic' without a nonce",
    { 'content-security-policy': "script-src 'strict-dynamic'; object-src 'none'" },
    'csp-header-invalid',
  ],
  [
    "'unsafe-inline' scripts",
    { 'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'" },
    'csp-implemented-with-unsafe-inline',
  ],
  [
    'data: scripts',
    { 'content-security-policy': "default-src 'self'; script-src data:" },
    'csp-implemented-with-unsafe-inline',
  ],
  [
    'no script-src nor default-src',
    { 'content-security-policy': "img-src 'self'" },
    'csp-implemented-with-unsafe-inline',
  ],
  [
    'object-src *',
    { 'content-security-policy': "default-src 'self'; object-src *" },
    'csp-implemented-with-unsafe-inline',
  ],
  [
    'an http: script host',
    { 'content-security-policy': "default-src 'self'; script-src http://cdn.example" },
    'csp-implemented-with-insecure-scheme',
  ],
  [
    "'unsafe-eval'",
    { 'content-security-policy': "default-src 'self' 'unsafe-eval'" },
    'csp-implemented-with-unsafe-eval',
  ],
  [
    'http: images only',
    { 'content-security-policy': "default-src 'self'; img-src http://img.example" },
    'csp-implemented-with-insecure-scheme-in-passive-content-only',
  ],
  [
    "'unsafe-inline' styles",
    { 'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'" },
    'csp-implemented-with-unsafe-inline-in-style-src-only',
  ],
  ["default-src 'none'", {}, 'csp-implemented-with-no-unsafe-default-src-none'],
  [
    "default-src 'self'",
    { 'content-security-policy': "default-src 'self'" },
    'csp-implemented-with-no-unsafe',
  ],
  [
    'a nonce makes unsafe-inline harmless',
    { 'content-security-policy': "default-src 'none'; script-src 'nonce-abc' 'unsafe-inline'" },
    'csp-implemented-with-no-unsafe-default-src-none',
  ],
  [
    "'strict-dynamic' with a nonce ignores https:",
    {
      'content-security-policy':
        "object-src 'none'; style-src 'self'; script-src 'nonce-abc' 'strict-dynamic' https: 'unsafe-inline'",
    },
    'csp-implemented-with-no-unsafe',
  ],
  [
    'report-uri twice',
    { 'content-security-policy': "default-src 'none'; report-uri /a; report-uri /b" },
    'csp-implemented-but-duplicate-directives',
  ],
  [
    'two header policies: the stricter one counts',
    { 'content-security-policy': ["default-src 'self' https:", "default-src 'self'"] },
    'csp-implemented-with-no-unsafe',
  ],
  [
    'a meta policy',
    { 'content-security-policy': undefined },
    'csp-implemented-with-no-unsafe',
    {
      https: {
        status: 200,
        headers: {},
        body: `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`,
      },
    },
  ],
]

const COOKIES: Row[] = [
  ['none', {}, 'cookies-not-found'],
  [
    'Secure, HttpOnly session, SameSite',
    { 'set-cookie': ['sessionid=1; Secure; HttpOnly; SameSite=Lax'] },
    'cookies-secure-with-httponly-sessions-and-samesite',
  ],
  [
    'one cookie without SameSite',
    { 'set-cookie': ['theme=1; Secure'] },
    'cookies-secure-with-httponly-sessions',
  ],
  [
    'a cookie without Secure, HSTS on',
    { 'set-cookie': ['theme=1; SameSite=Lax'] },
    'cookies-without-secure-flag-but-protected-by-hsts',
  ],
  [
    'a cookie without Secure, no HSTS',
    { 'set-cookie': ['theme=1; SameSite=Lax'], 'strict-transport-security': undefined },
    'cookies-without-secure-flag',
  ],
  [
    'a login cookie without Secure, HSTS on',
    { 'set-cookie': ['login=1; HttpOnly; SameSite=Lax'] },
    'cookies-session-without-secure-flag-but-protected-by-hsts',
  ],
  [
    'SameSite=Sometimes',
    { 'set-cookie': ['theme=1; Secure; SameSite=Sometimes'] },
    'cookies-samesite-flag-invalid',
  ],
  [
    'SameSite=None without Secure',
    { 'set-cookie': ['theme=1; SameSite=None'], 'strict-transport-security': undefined },
    'cookies-samesite-flag-invalid',
  ],
  [
    'a CSRF cookie without SameSite',
    { 'set-cookie': ['csrftoken=1; Secure'] },
    'cookies-anticsrf-without-samesite-flag',
  ],
  [
    'a session cookie readable by scripts',
    { 'set-cookie': ['sessionid=1; Secure; SameSite=Lax'] },
    'cookies-session-without-httponly-flag',
  ],
  [
    'a session cookie without Secure, no HSTS',
    { 'set-cookie': ['sessionid=1; HttpOnly'], 'strict-transport-security': undefined },
    'cookies-session-without-secure-flag',
  ],
  [
    "Heroku's affinity cookie is ignored",
    { 'set-cookie': ['heroku-session-affinity=x'] },
    'cookies-not-found',
  ],
]

const REDIRECTS: [label: string, route: [string, number][] | undefined, result: string][] = [
  ['HTTP closed', undefined, 'redirection-not-needed-no-http'],
  ['no redirect', [['http://example.com/', 200]], 'redirection-missing'],
  [
    'to https',
    [
      ['http://example.com/', 301],
      ['https://example.com/', 200],
    ],
    'redirection-to-https',
  ],
  [
    'ends on http',
    [
      ['http://example.com/', 301],
      ['http://www.example.com/', 200],
    ],
    'redirection-not-to-https',
  ],
  [
    'http first, then https',
    [
      ['http://example.com/', 301],
      ['http://www.example.com/', 301],
      ['https://www.example.com/', 200],
    ],
    'redirection-not-to-https-on-initial-redirection',
  ],
  [
    'to another host',
    [
      ['http://example.com/', 301],
      ['https://www.example.com/', 200],
    ],
    'redirection-off-host-from-http',
  ],
]

const HEADERS: [
  test: string,
  label: string,
  headers: Record<string, string | string[] | undefined>,
  result: string,
][] = [
  ['strict-transport-security', 'none', { 'strict-transport-security': undefined }, 'hsts-not-implemented'],
  [
    'strict-transport-security',
    'a day',
    { 'strict-transport-security': 'max-age=86400' },
    'hsts-implemented-max-age-less-than-six-months',
  ],
  [
    'strict-transport-security',
    '180 days (the white lie)',
    { 'strict-transport-security': 'max-age=15552000' },
    'hsts-implemented-max-age-at-least-six-months',
  ],
  [
    'strict-transport-security',
    'two fields joined',
    { 'strict-transport-security': 'max-age=31536000, max-age=31536000' },
    'hsts-header-invalid',
  ],
  [
    'strict-transport-security',
    'no max-age',
    { 'strict-transport-security': 'includeSubDomains' },
    'hsts-header-invalid',
  ],
  ['referrer-policy', 'none', {}, 'referrer-policy-not-implemented'],
  ['referrer-policy', 'same-origin', { 'referrer-policy': 'same-origin' }, 'referrer-policy-private'],
  [
    'referrer-policy',
    'unsafe-url last',
    { 'referrer-policy': 'no-referrer, unsafe-url' },
    'referrer-policy-unsafe',
  ],
  [
    'referrer-policy',
    'an unknown token last is skipped',
    { 'referrer-policy': 'no-referrer, no-such-policy' },
    'referrer-policy-private',
  ],
  ['referrer-policy', 'nothing valid', { 'referrer-policy': 'nope' }, 'referrer-policy-header-invalid'],
  [
    'x-content-type-options',
    'nosniff',
    { 'x-content-type-options': ' NoSniff ' },
    'x-content-type-options-nosniff',
  ],
  ['x-content-type-options', 'missing', {}, 'x-content-type-options-not-implemented'],
  [
    'x-content-type-options',
    'joined twice',
    { 'x-content-type-options': 'nosniff, nosniff' },
    'x-content-type-options-header-invalid',
  ],
  [
    'x-frame-options',
    'DENY without frame-ancestors',
    { 'x-frame-options': 'DENY' },
    'x-frame-options-sameorigin-or-deny',
  ],
  [
    'x-frame-options',
    'ALLOW-FROM',
    { 'x-frame-options': 'ALLOW-FROM https://a.example' },
    'x-frame-options-allow-from-origin',
  ],
  ['x-frame-options', 'missing', {}, 'x-frame-options-not-implemented'],
  ['x-frame-options', 'garbage', { 'x-frame-options': 'maybe' }, 'x-frame-options-header-invalid'],
  [
    'x-frame-options',
    'frame-ancestors * still counts',
    { 'content-security-policy': "default-src 'none'; frame-ancestors *" },
    'x-frame-options-implemented-via-csp',
  ],
  [
    'cross-origin-resource-policy',
    'same-site',
    { 'cross-origin-resource-policy': 'same-site' },
    'corp-implemented-with-same-site',
  ],
  [
    'cross-origin-resource-policy',
    'cross-origin',
    { 'cross-origin-resource-policy': 'cross-origin' },
    'corp-implemented-with-cross-origin',
  ],
  [
    'cross-origin-resource-policy',
    'joined twice',
    { 'cross-origin-resource-policy': 'same-origin, same-origin' },
    'corp-header-invalid',
  ],
  ['cross-origin-resource-policy', 'missing', {}, 'corp-not-implemented'],
  [
    'cross-origin-opener-policy',
    'same-origin-allow-popups',
    { 'cross-origin-opener-policy': 'same-origin-allow-popups' },
    'coop-implemented-with-same-origin-allow-popups',
  ],
  [
    'cross-origin-opener-policy',
    'noopener-allow-popups',
    { 'cross-origin-opener-policy': 'noopener-allow-popups' },
    'coop-implemented-with-noopener-allow-popups',
  ],
  [
    'cross-origin-opener-policy',
    'unsafe-none',
    { 'cross-origin-opener-policy': 'unsafe-none' },
    'coop-implemented-with-unsafe-none',
  ],
  [
    'cross-origin-opener-policy',
    'a quoted string',
    { 'cross-origin-opener-policy': '"same-origin"' },
    'coop-header-invalid',
  ],
  [
    'cross-origin-opener-policy',
    'with report-to',
    { 'cross-origin-opener-policy': 'same-origin; report-to="r"' },
    'coop-implemented-with-same-origin',
  ],
  [
    'cross-origin-embedder-policy',
    'require-corp',
    { 'cross-origin-embedder-policy': 'require-corp' },
    'coep-implemented-with-require-corp',
  ],
  [
    'cross-origin-embedder-policy',
    'credentialless',
    { 'cross-origin-embedder-policy': 'credentialless' },
    'coep-implemented-with-credentialless',
  ],
  [
    'cross-origin-embedder-policy',
    'unsafe-none',
    { 'cross-origin-embedder-policy': 'unsafe-none' },
    'coep-implemented-with-unsafe-none',
  ],
  [
    'cross-origin-embedder-policy',
    'two tokens',
    { 'cross-origin-embedder-policy': 'require-corp, credentialless' },
    'coep-header-invalid',
  ],
]

const SRI: [label: string, body: string, contentType: string, result: string][] = [
  ['not HTML', '{}', 'application/json', 'sri-not-implemented-response-not-html'],
  ['no scripts', '<p>hi</p>', 'text/html', 'sri-not-implemented-but-no-scripts-loaded'],
  [
    'same-origin scripts',
    '<script src="/a.js"></script>',
    'text/html',
    'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
  ],
  [
    'same-site script with integrity',
    '<script src="https://cdn.example.com/a.js" integrity="sha384-x"></script>',
    'text/html',
    'sri-implemented-and-all-scripts-loaded-securely',
  ],
  [
    'third-party with integrity',
    '<script src="https://cdn.other.net/a.js" integrity="sha384-x"></script>',
    'text/html',
    'sri-implemented-and-external-scripts-loaded-securely',
  ],
  [
    'third-party without integrity',
    '<script src="https://cdn.other.net/a.js"></script>',
    'text/html',
    'sri-not-implemented-but-external-scripts-loaded-securely',
  ],
  [
    'protocol-relative with integrity',
    '<script src="//cdn.other.net/a.js" integrity="sha384-x"></script>',
    'text/html',
    'sri-implemented-but-external-scripts-not-loaded-securely',
  ],
  [
    'third-party over http',
    '<script src="http://cdn.other.net/a.js"></script>',
    'text/html',
    'sri-not-implemented-and-external-scripts-not-loaded-securely',
  ],
  [
    'a script element inside a comment is no script',
    '<!-- <script src="http://cdn.other.net/a.js"></script> -->',
    'text/html',
    'sri-not-implemented-but-no-scripts-loaded',
  ],
]

describe('content-security-policy', () => {
  it.each(CSP)('%s', (_label, headers, result, extra) => {
    expect(resultOf('content-security-policy', headers, extra)).toBe(result)
  })
})

describe('cookies', () => {
  it.each(COOKIES)('%s', (_label, headers, result) => {
    expect(resultOf('cookies', headers)).toBe(result)
  })
})

describe('redirection', () => {
  it.each(REDIRECTS)('%s → %s', (_label, route, result) => {
    const extra: Partial<ObservatoryInput> = route
      ? {
          http: { status: route.at(-1)![1], headers: {} },
          httpRedirects: route.map(([url, status]) => ({ url, status })),
        }
      : {}
    expect(resultOf('redirection', {}, extra)).toBe(result)
  })

  it('an unverified certificate on the way → redirection-invalid-cert', () => {
    expect(
      resultOf(
        'redirection',
        {},
        {
          http: { status: 200, headers: {}, verified: false },
          httpRedirects: [
            { url: 'http://example.com/', status: 301 },
            { url: URL_, status: 200 },
          ],
        },
      ),
    ).toBe('redirection-invalid-cert')
  })
})

describe('headers', () => {
  it.each(HEADERS)('%s: %s → %s', (test, _label, headers, result) => {
    expect(resultOf(test, headers)).toBe(result)
  })

  it('HSTS over an unverified certificate → hsts-invalid-cert; no HTTPS → hsts-not-implemented-no-https', () => {
    expect(
      resultOf('strict-transport-security', {}, { https: { status: 200, headers: {}, verified: false } }),
    ).toBe('hsts-invalid-cert')
    const noHttps = scoreObservatory({
      url: URL_,
      http: { status: 200, headers: {} },
      httpRedirects: [{ url: 'http://example.com/', status: 200 }],
    })
    expect(noHttps.tests.find((t) => t.name === 'strict-transport-security')!.result).toBe(
      'hsts-not-implemented-no-https',
    )
  })

  it('CORS: * is public, an echoed Origin with credentials is universal access', () => {
    const cors = (headers: Record<string, string>) =>
      resultOf('cross-origin-resource-sharing', {}, { cors: { origin: 'https://x.example', headers } })
    expect(cors({})).toBe('cross-origin-resource-sharing-not-implemented')
    expect(cors({ 'access-control-allow-origin': '*' })).toBe(
      'cross-origin-resource-sharing-implemented-with-public-access',
    )
    expect(cors({ 'access-control-allow-origin': 'https://app.example' })).toBe(
      'cross-origin-resource-sharing-implemented-with-restricted-access',
    )
    expect(
      cors({
        'access-control-allow-origin': 'https://x.example',
        'access-control-allow-credentials': 'true',
      }),
    ).toBe('cross-origin-resource-sharing-implemented-with-universal-access')
  })
})

describe('subresource-integrity', () => {
  it.each(SRI)('%s → %s', (_label, body, contentType, result) => {
    expect(
      resultOf(
        'subresource-integrity',
        { 'content-type': contentType },
        { https: { status: 200, headers: { 'content-type': contentType }, body } },
      ),
    ).toBe(result)
  })
})

describe('parsers', () => {
  it('CSP: several policies keep only the sources every policy allows', () => {
    const csp = parseCsp([
      "script-src 'self' https://a.example https://b.example",
      'script-src https://a.example',
    ])
    expect([...csp.get('script-src')!]).toEqual(['https://a.example'])
  })

  it('CSP: an empty source list means none; directives and sources are lower-cased', () => {
    const csp = parseCsp(["Script-Src 'SELF'; img-src"])
    expect([...csp.get('script-src')!]).toEqual(["'self'"])
    expect([...csp.get('img-src')!]).toEqual(["'none'"])
  })

  it('structured fields: tokens with parameters, dictionaries, and what is not one', () => {
    expect(structuredToken('same-origin; report-to="x"')).toBe('same-origin')
    expect(structuredToken('"same-origin"')).toBeUndefined()
    expect(structuredToken('same-origin, unsafe-none')).toBeUndefined()
    expect([
      ...parseDictionary('camera=(), geolocation=(self "https://maps.example"), fullscreen=*').keys(),
    ]).toEqual(['camera', 'geolocation', 'fullscreen'])
    expect(() => parseDictionary("camera 'none'")).toThrow()
    expect(() => parseDictionary('camera=(),')).toThrow()
  })

  it('registrable domains: a few public suffixes known, IP addresses none', () => {
    expect(registrableDomain('www.example.co.uk')).toBe('example.co.uk')
    expect(registrableDomain('app-one.herokuapp.com')).toBe('app-one.herokuapp.com')
    expect(registrableDomain('cdn.example.com')).toBe('example.com')
    expect(registrableDomain('127.0.0.1')).toBeUndefined()
  })
})
