import { LIVE_CHECKS } from '@kit/doctor'
import { describe, expect, it } from 'vitest'
import { check, type FakeScan, GOOD_PAGE, type HeaderPairs, pageWith } from './support/fake-audit.ts'

type Case = [label: string, scan: FakeScan, status: 'pass' | 'fail' | 'skip', finding?: RegExp]

const page = (headers: HeaderPairs, body?: string): FakeScan => ({
  page: body === undefined ? { headers } : { headers, body },
})
const cookiePage = (...cookies: string[]): FakeScan =>
  page([...GOOD_PAGE, ['cache-control', 'no-store'], ...cookies.map((c) => ['set-cookie', c] as const)])
const echo = (origin: string, credentials = true) =>
  [
    ['access-control-allow-origin', origin],
    ...(credentials ? [['access-control-allow-credentials', 'true'] as const] : []),
    ['vary', 'Origin'],
  ] as const

const CASES: Record<string, Case[]> = {
  'LIVE-TLS-01': [
    ['a verified chain', {}, 'pass'],
    ['no HTTPS at all', { page: false }, 'fail', /does not answer/],
    [
      'an unverified certificate',
      { page: { tls: { authorized: false, error: 'SELF_SIGNED_CERT_IN_CHAIN', validTo: undefined } } },
      'fail',
      /SELF_SIGNED/,
    ],
  ],
  'LIVE-TLS-02': [
    ['a certificate valid for weeks', {}, 'pass', /more days/],
    [
      'a certificate expiring in 10 days',
      { page: { tls: { authorized: true, error: undefined, validTo: new Date(Date.UTC(2026, 11, 2)) } } },
      'fail',
      /expires in 10 days/,
    ],
    ['no certificate', { page: false }, 'skip'],
  ],
  'LIVE-RED-01': [
    ['301 to https on the same host', {}, 'pass'],
    ['plain HTTP closed', { http: false }, 'pass', /closed/],
    ['HTTP answering 200', { http: [['http://example.com/', 200]] }, 'fail', /without redirecting/],
    [
      'a first hop to http://www',
      {
        http: [
          ['http://example.com/', 301],
          ['http://www.example.com/', 301],
          ['https://www.example.com/', 200],
        ],
      },
      'fail',
      /not https/,
    ],
    [
      'a first hop to another host',
      {
        http: [
          ['http://example.com/', 301],
          ['https://other.example/', 200],
        ],
      },
      'fail',
      /another host/,
    ],
    [
      'a chain ending in 500',
      {
        http: [
          ['http://example.com/', 301],
          ['https://example.com/', 500],
        ],
      },
      'fail',
      /status 500/,
    ],
  ],
  'LIVE-RED-02': [
    ['301', {}, 'pass'],
    [
      '302',
      {
        http: [
          ['http://example.com/', 302],
          ['https://example.com/', 200],
        ],
      },
      'fail',
      /302/,
    ],
    ['no redirect', { http: false }, 'skip'],
  ],
  'LIVE-HSTS-01': [
    ['two years', {}, 'pass'],
    [
      'missing',
      page(pageWith('strict-transport-security', undefined)),
      'fail',
      /no Strict-Transport-Security/,
    ],
    [
      'sent twice',
      page(pageWith('strict-transport-security', ['max-age=63072000', 'max-age=31536000'])),
      'fail',
      /2 Strict-Transport-Security/,
    ],
    [
      'without max-age',
      page(pageWith('strict-transport-security', 'includeSubDomains')),
      'fail',
      /not valid/,
    ],
    ['one day', page(pageWith('strict-transport-security', 'max-age=86400')), 'fail', /under six months/],
  ],
  'LIVE-HSTS-02': [
    ['a year with includeSubDomains', {}, 'pass'],
    [
      'six months without subdomains',
      page(pageWith('strict-transport-security', 'max-age=15552000')),
      'fail',
      /max-age 15552000 < 31536000, no includeSubDomains/,
    ],
  ],
  'LIVE-HSTS-03': [
    [
      'preload-ready',
      page(pageWith('strict-transport-security', 'max-age=63072000; includeSubDomains; preload')),
      'pass',
    ],
    ['no preload directive', {}, 'fail', /no preload/],
  ],
  'LIVE-HSTS-04': [
    ['positive max-age', {}, 'pass'],
    ['max-age=0', page(pageWith('strict-transport-security', 'max-age=0')), 'fail', /max-age=0/],
  ],
  'LIVE-CSP-01': [
    ['an enforced policy', {}, 'pass'],
    ['no policy', page(pageWith('content-security-policy', undefined)), 'fail', /no Content-Security-Policy/],
    [
      'report-only only',
      page([
        ...pageWith('content-security-policy', undefined),
        ['content-security-policy-report-only', "default-src 'none'"],
      ]),
      'fail',
      /Report-Only/,
    ],
    [
      'a meta policy',
      page(
        pageWith('content-security-policy', undefined),
        `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`,
      ),
      'pass',
      /meta/,
    ],
  ],
  'LIVE-CSP-02': [
    ['valid', {}, 'pass'],
    [
      'an unquoted keyword',
      page(pageWith('content-security-policy', 'default-src self')),
      'fail',
      /must be quoted/,
    ],
    [
      'a repeated directive',
      page(pageWith('content-security-policy', "script-src 'self'; script-src 'none'")),
      'fail',
      /twice/,
    ],
    [
      "'strict-dynamic' without a nonce",
      page(pageWith('content-security-policy', "script-src 'strict-dynamic'")),
      'fail',
      /strict-dynamic/,
    ],
  ],
  'LIVE-CSP-03': [
    ['nonce-based scripts', {}, 'pass'],
    [
      "'unsafe-inline'",
      page(pageWith('content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-inline'")),
      'fail',
      /unsafe-inline/,
    ],
    [
      "'unsafe-inline' next to a nonce",
      page(pageWith('content-security-policy', "default-src 'none'; script-src 'nonce-x' 'unsafe-inline'")),
      'pass',
    ],
    [
      'https: scripts',
      page(pageWith('content-security-policy', "default-src 'none'; script-src https:")),
      'fail',
      /https:/,
    ],
    [
      'no script-src or default-src',
      page(pageWith('content-security-policy', "img-src 'self'")),
      'fail',
      /neither script-src/,
    ],
  ],
  'LIVE-CSP-04': [
    ['no eval', {}, 'pass'],
    [
      "'unsafe-eval'",
      page(pageWith('content-security-policy', "default-src 'self' 'unsafe-eval'")),
      'fail',
      /script-src and style-src/,
    ],
  ],
  'LIVE-CSP-05': [
    ['https only', {}, 'pass'],
    [
      'an http: image host',
      page(pageWith('content-security-policy', "default-src 'self'; img-src http://cdn.example")),
      'fail',
      /img-src http:/,
    ],
  ],
  'LIVE-CSP-06': [
    ["kit's defaults", {}, 'pass'],
    [
      'frame-ancestors * and no base-uri',
      page(pageWith('content-security-policy', "default-src 'none'; frame-ancestors *; form-action 'self'")),
      'fail',
      /frame-ancestors allows \*; no base-uri/,
    ],
  ],
  'LIVE-CSP-07': [
    ['nonce styles', {}, 'pass'],
    [
      "'unsafe-inline' styles",
      page(pageWith('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'")),
      'fail',
      /unsafe-inline/,
    ],
  ],
  'LIVE-CSP-08': [
    ["default-src 'none'", {}, 'pass'],
    ["default-src 'self'", page(pageWith('content-security-policy', "default-src 'self'")), 'fail', /'self'/],
    ['no policy', page(pageWith('content-security-policy', undefined)), 'skip'],
  ],
  'LIVE-XFO-01': [
    ['frame-ancestors', {}, 'pass'],
    ['X-Frame-Options only', page(pageWith('content-security-policy', "default-src 'self'")), 'pass', /DENY/],
    [
      'neither',
      page(
        pageWith('content-security-policy', "default-src 'self'").filter(([n]) => n !== 'x-frame-options'),
      ),
      'fail',
      /no X-Frame-Options/,
    ],
  ],
  'LIVE-XCTO-01': [
    ['nosniff', {}, 'pass'],
    ['missing', page(pageWith('x-content-type-options', undefined)), 'fail'],
    ['another value', page(pageWith('x-content-type-options', 'sniff')), 'fail', /sniff/],
  ],
  'LIVE-RP-01': [
    ['strict-origin-when-cross-origin', {}, 'pass'],
    ['missing', page(pageWith('referrer-policy', undefined)), 'fail', /no Referrer-Policy/],
    ['unsafe-url last', page(pageWith('referrer-policy', 'no-referrer, unsafe-url')), 'fail', /leaks/],
    ['no valid token', page(pageWith('referrer-policy', 'nope')), 'fail', /no valid token/],
    [
      'a safer meta tag',
      page(pageWith('referrer-policy', 'unsafe-url'), '<meta name="referrer" content="no-referrer">'),
      'pass',
    ],
  ],
  'LIVE-PP-01': [
    ['a dictionary', {}, 'pass', /2 features/],
    ['missing', page(pageWith('permissions-policy', undefined)), 'fail'],
    [
      'Feature-Policy syntax',
      page(pageWith('permissions-policy', "camera 'none'")),
      'fail',
      /does not parse/,
    ],
  ],
  'LIVE-CORP-01': [
    ['same-origin', {}, 'pass'],
    ['cross-origin', page(pageWith('cross-origin-resource-policy', 'cross-origin')), 'pass', /public assets/],
    [
      'duplicated',
      page(pageWith('cross-origin-resource-policy', ['same-origin', 'same-origin'])),
      'fail',
      /2 cross-origin-resource-policy/,
    ],
    ['missing', page(pageWith('cross-origin-resource-policy', undefined)), 'fail'],
  ],
  'LIVE-COOP-01': [
    ['same-origin', {}, 'pass'],
    [
      'with a report-to parameter',
      page(pageWith('cross-origin-opener-policy', 'same-origin; report-to="coop"')),
      'pass',
    ],
    ['unsafe-none', page(pageWith('cross-origin-opener-policy', 'unsafe-none')), 'fail', /no protection/],
    ['a quoted string', page(pageWith('cross-origin-opener-policy', '"same-origin"')), 'fail', /not valid/],
  ],
  'LIVE-COEP-01': [
    ['credentialless', page(pageWith('cross-origin-embedder-policy', 'credentialless')), 'pass'],
    ['missing', {}, 'fail', /no cross-origin-embedder-policy/],
  ],
  'LIVE-XXP-01': [
    ['absent', {}, 'pass'],
    ['0', page(pageWith('x-xss-protection', '0')), 'pass'],
    ['1; mode=block', page(pageWith('x-xss-protection', '1; mode=block')), 'fail'],
  ],
  'LIVE-DUP-01': [
    ['each once', {}, 'pass'],
    [
      'XCTO twice',
      page(pageWith('x-content-type-options', ['nosniff', 'nosniff'])),
      'fail',
      /x-content-type-options/,
    ],
  ],
  'LIVE-STATUS-01': [
    ['200', {}, 'pass'],
    ['401', { page: { status: 401 } }, 'pass'],
    ['500', { page: { status: 500 } }, 'fail', /500/],
  ],
  'LIVE-HEALTH-01': [
    ['200', {}, 'pass'],
    ['404', { health: 404 }, 'fail', /404/],
    ['refused', { health: false }, 'fail', /does not answer/],
  ],
  'LIVE-CK-01': [
    ['no cookies', {}, 'pass', /no session cookie/],
    [
      'a secure session cookie',
      cookiePage('__Host-session=1; Path=/; Secure; HttpOnly; SameSite=Lax'),
      'pass',
    ],
    [
      'an auth token without Secure',
      cookiePage('auth_token=1; HttpOnly; SameSite=Lax'),
      'fail',
      /auth_token/,
    ],
  ],
  'LIVE-CK-02': [
    ['HttpOnly', cookiePage('sid=1; Secure; HttpOnly; SameSite=Lax'), 'pass'],
    ['readable by scripts', cookiePage('sid=1; Secure; SameSite=Lax'), 'fail', /HttpOnly/],
  ],
  'LIVE-CK-03': [
    ['all Secure', cookiePage('theme=dark; Secure; SameSite=Lax'), 'pass'],
    ['a plain preference cookie', cookiePage('theme=dark; SameSite=Lax'), 'fail', /theme/],
  ],
  'LIVE-CK-04': [
    ['Lax', cookiePage('theme=dark; Secure; SameSite=Lax'), 'pass'],
    ['an invalid value', cookiePage('theme=dark; Secure; SameSite=Sometimes'), 'fail'],
    ['None without Secure', cookiePage('theme=dark; SameSite=None'), 'fail'],
    ['a CSRF cookie without SameSite', cookiePage('csrftoken=1; Secure'), 'fail', /csrftoken/],
  ],
  'LIVE-CK-05': [
    ['SameSite everywhere', cookiePage('theme=dark; Secure; SameSite=Strict'), 'pass'],
    ['missing', cookiePage('theme=dark; Secure'), 'fail'],
  ],
  'LIVE-CK-06': [
    ['__Host-', cookiePage('__Host-session=1; Path=/; Secure; HttpOnly; SameSite=Lax'), 'pass'],
    [
      '__Host- with a Domain',
      cookiePage('__Host-session=1; Path=/; Domain=example.com; Secure; HttpOnly; SameSite=Lax'),
      'fail',
    ],
    ['no prefix', cookiePage('session=1; Path=/; Secure; HttpOnly; SameSite=Lax'), 'fail'],
  ],
  'LIVE-CACHE-01': [
    ['no-store', cookiePage('session=1; Secure; HttpOnly; SameSite=Lax'), 'pass'],
    [
      'cacheable',
      page([...GOOD_PAGE, ['set-cookie', 'session=1; Secure; HttpOnly; SameSite=Lax']]),
      'fail',
      /no-store/,
    ],
  ],
  'LIVE-CORS-01': [
    ['no CORS', {}, 'pass'],
    [
      'echoed with credentials',
      { cors: { random: echo('https://0badc0de.invalid-origin.example') } },
      'fail',
      /any site/,
    ],
    ['no probe answered', { cors: false }, 'skip', /no CORS probe/],
  ],
  'LIVE-CORS-02': [
    ['null refused', {}, 'pass'],
    ['null trusted', { cors: { null: echo('null') } }, 'fail', /Origin: null/],
  ],
  'LIVE-CORS-03': [
    ['look-alikes refused', {}, 'pass'],
    [
      'a suffix check',
      { cors: { prefix: echo('https://evilexample.com') } },
      'fail',
      /critical: .*evilexample\.com/,
    ],
    [
      'a regex without credentials',
      { cors: { suffix: echo('https://example.com.0badc0de.example', false) } },
      'fail',
      /^(?!critical)/,
    ],
  ],
  'LIVE-CORS-04': [
    ['no wildcard', {}, 'pass'],
    [
      '* with credentials',
      {
        cors: {
          random: [
            ['access-control-allow-origin', '*'],
            ['access-control-allow-credentials', 'true'],
          ],
        },
      },
      'fail',
    ],
  ],
  'LIVE-CORS-05': [
    ['http origin refused', {}, 'pass'],
    ['http origin trusted', { cors: { insecure: echo('http://example.com') } }, 'fail'],
  ],
  'LIVE-CORS-06': [
    ['no CORS', {}, 'pass'],
    ['with Vary', { cors: { random: echo('https://0badc0de.invalid-origin.example', false) } }, 'pass'],
    [
      'without Vary',
      { cors: { random: [['access-control-allow-origin', 'https://0badc0de.invalid-origin.example']] } },
      'fail',
      /Vary/,
    ],
  ],
  'LIVE-CORS-07': [
    ['not echoed', {}, 'pass'],
    [
      'echoed without credentials',
      { cors: { random: echo('https://0badc0de.invalid-origin.example', false) } },
      'fail',
    ],
  ],
  'LIVE-INFO-01': [
    ['absent', {}, 'pass'],
    ['Express', page([...GOOD_PAGE, ['x-powered-by', 'Express']]), 'fail', /Express/],
  ],
  'LIVE-INFO-02': [
    ['no Server', {}, 'pass'],
    ['a bare name', page([...GOOD_PAGE, ['server', 'nginx']]), 'pass', /no version/],
    ['a version', page([...GOOD_PAGE, ['server', 'nginx/1.25.3']]), 'fail', /1\.25\.3/],
  ],
  'LIVE-INFO-03': [
    ['none', {}, 'pass'],
    [
      'X-AspNet-Version on the 404',
      { notFound: { status: 404, body: 'no', headers: [['X-AspNet-Version', '4.0.30319']] } },
      'fail',
      /x-aspnet-version/,
    ],
  ],
  'LIVE-ERR-01': [
    ['a plain 404', {}, 'pass'],
    [
      'a Node stack trace',
      {
        notFound: {
          status: 404,
          body: 'Error: Not Found\n    at handle (/app/src/server.js:12:7)\n    at next (/app/node_modules/express/lib/router.js:1:2)',
        },
      },
      'fail',
      /stack trace/,
    ],
    ["Express's Cannot GET", { notFound: { status: 404, body: '<pre>Cannot GET /0f8a</pre>' } }, 'pass'],
  ],
  'LIVE-SRI-01': [
    ['same-origin scripts', page(GOOD_PAGE, '<script src="/app.js"></script>'), 'pass'],
    [
      'a CDN script with integrity',
      page(GOOD_PAGE, '<script src="https://cdn.other.net/x.js" integrity="sha384-abc"></script>'),
      'pass',
    ],
    [
      'a CDN script without integrity',
      page(GOOD_PAGE, '<script src="https://cdn.other.net/x.js"></script>'),
      'fail',
      /no integrity/,
    ],
    [
      'a protocol-relative script',
      page(GOOD_PAGE, '<script src="//cdn.other.net/x.js" integrity="sha384-abc"></script>'),
      'fail',
      /not loaded over https/,
    ],
  ],
}

describe('every live check has fixtures', () => {
  it('covers each LIVE-* id of the audit', () => {
    expect(Object.keys(CASES).sort()).toEqual(LIVE_CHECKS.map((c) => c.id).sort())
  })
})

for (const [id, cases] of Object.entries(CASES)) {
  describe(id, () => {
    it.each(cases)('%s', async (_label, scan, status, finding) => {
      const result = await check(id, scan)
      expect(result.status, result.finding).toBe(status)
      if (finding) expect(result.finding).toMatch(finding)
      if (status === 'fail') expect(result.fix.length).toBeGreaterThan(10)
    })
  })
}
