/**
 * The MDN HTTP Observatory score (algorithms 5 and 6), re-implemented from
 * /work/shared/reference/audit-checks.md §1.3-1.4 for tests: `kit audit`
 * will ship the full checker. Inputs are real responses; each test returns
 * its result name and modifier so a failing assertion says why.
 */
type Headers = Record<string, string | string[] | undefined>

export interface ScanInput {
  /** The final HTTPS response of the page. */
  https: { headers: Headers; body?: string }
  /** First hop of the same URL over plain http; undefined when HTTP is not reachable. */
  http?: { status: number; location?: string | undefined }
  /** The OPTIONS preflight response (for the CORS test). */
  preflight?: { headers: Headers; origin: string }
  host: string
  algorithm?: 5 | 6
}

export interface TestResult {
  test: string
  result: string
  modifier: number
  pass: boolean
}

export interface ScanResult {
  score: number
  grade: string
  tests: TestResult[]
}

const GRADES: Record<number, string> = {
  100: 'A+',
  95: 'A',
  90: 'A',
  85: 'A-',
  80: 'B+',
  75: 'B',
  70: 'B',
  65: 'B-',
  60: 'C+',
  55: 'C',
  50: 'C',
  45: 'C-',
  40: 'D+',
  35: 'D',
  30: 'D',
  25: 'D-',
  20: 'F',
  15: 'F',
  10: 'F',
  5: 'F',
  0: 'F',
}

export function scan(input: ScanInput): ScanResult {
  const h = input.https.headers
  const hsts = hstsTest(h)
  const tests: TestResult[] = [
    cspTest(h),
    cookiesTest(h, hsts.pass),
    corsTest(input.preflight),
    redirectionTest(input.http, input.host),
    referrerTest(h),
    hsts,
    sriTest(input.https.body, h),
    xctoTest(h),
    xfoTest(h, input.algorithm ?? 5),
    corpTest(h),
  ]
  if ((input.algorithm ?? 5) >= 6) tests.push(coopTest(h), coepTest(h))
  const score = 100 + tests.reduce((sum, t) => sum + t.modifier, 0)
  const uncurved = 100 + tests.reduce((sum, t) => sum + Math.min(t.modifier, 0), 0)
  const final = Math.max(uncurved >= 90 ? score : uncurved, 0)
  return { score: final, grade: GRADES[Math.min(final - (final % 5), 100)]!, tests }
}

function values(headers: Headers, name: string): string[] {
  const v = headers[name]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

const result = (test: string, name: string, modifier: number, pass: boolean): TestResult => ({
  test,
  result: name,
  modifier,
  pass,
})
const BROAD = ['*', 'http:', 'https:', 'ftp:', 'http://*', 'http://*.*', 'https://*', 'https://*.*']

function parsePolicy(text: string): Map<string, string[]> | 'invalid' {
  const policy = new Map<string, string[]>()
  if (text.trim().length < 6) return 'invalid'
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (!name) continue
    const key = name.toLowerCase()
    if (policy.has(key) && key !== 'report-uri' && key !== 'report-to') return 'invalid'
    policy.set(key, [...(policy.get(key) ?? []), ...sources.map((s) => s.toLowerCase())])
  }
  return policy
}

function cspTest(h: Headers): TestResult {
  const t = 'content-security-policy'
  const enforced = values(h, 'content-security-policy').flatMap((v) => v.split(','))
  if (enforced.length === 0) {
    return values(h, 'content-security-policy-report-only').length > 0
      ? result(t, 'csp-not-implemented-but-reporting-enabled', -25, false)
      : result(t, 'csp-not-implemented', -25, false)
  }
  const parsed = parsePolicy(enforced[0]!)
  if (parsed === 'invalid') return result(t, 'csp-header-invalid', -25, false)
  const script = parsed.get('script-src') ?? parsed.get('default-src') ?? ['*']
  const object = parsed.get('object-src') ?? parsed.get('default-src') ?? ['*']
  const style = parsed.get('style-src') ?? parsed.get('default-src') ?? ['*']
  const hasNonceOrHash = (list: string[]) => list.some((s) => /^'(nonce|sha256|sha384|sha512)-/.test(s))
  if (script.includes("'strict-dynamic'") && !hasNonceOrHash(script))
    return result(t, 'csp-header-invalid', -25, false)
  const unsafeInline = (list: string[]) =>
    (list.includes("'unsafe-inline'") && !hasNonceOrHash(list)) ||
    list.includes('data:') ||
    list.some((s) => BROAD.includes(s))
  if (unsafeInline(script) || object.some((s) => BROAD.includes(s)))
    return result(t, 'csp-implemented-with-unsafe-inline', -20, false)
  const passive = new Set(['img-src', 'media-src'])
  const insecure = [...parsed].filter(([, list]) => list.some((s) => /^(http|ftp):/.test(s)))
  if (insecure.some(([name]) => !passive.has(name)))
    return result(t, 'csp-implemented-with-insecure-scheme', -20, false)
  if (script.includes("'unsafe-eval'") || style.includes("'unsafe-eval'"))
    return result(t, 'csp-implemented-with-unsafe-eval', -10, false)
  if (insecure.length > 0)
    return result(t, 'csp-implemented-with-insecure-scheme-in-passive-content-only', -10, true)
  if (unsafeInline(style)) return result(t, 'csp-implemented-with-unsafe-inline-in-style-src-only', 0, true)
  const names = enforced[0]!.split(';').map((p) => p.trim().split(/\s+/)[0]!.toLowerCase())
  const duplicates = ['report-uri', 'report-to'].some((n) => names.filter((x) => x === n).length > 1)
  if (duplicates) return result(t, 'csp-implemented-but-duplicate-directives', 0, true)
  const def = parsed.get('default-src')
  if (def?.length === 1 && def[0] === "'none'")
    return result(t, 'csp-implemented-with-no-unsafe-default-src-none', 10, true)
  return result(t, 'csp-implemented-with-no-unsafe', 5, true)
}

function cookiesTest(h: Headers, hstsOk: boolean): TestResult {
  const t = 'cookies'
  const cookies = values(h, 'set-cookie').map((c) => {
    const [pair = '', ...attrs] = c.split(';').map((s) => s.trim())
    const name = pair.split('=')[0]!.toLowerCase()
    const flags = new Map(attrs.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=')[1] ?? '']))
    return {
      name,
      secure: flags.has('secure'),
      httpOnly: flags.has('httponly'),
      sameSite: flags.get('samesite'),
    }
  })
  if (cookies.length === 0) return result(t, 'cookies-not-found', 0, true)
  const order: [string, number][] = [
    ['cookies-without-secure-flag-but-protected-by-hsts', -5],
    ['cookies-without-secure-flag', -20],
    ['cookies-session-without-secure-flag-but-protected-by-hsts', -10],
    ['cookies-samesite-flag-invalid', -20],
    ['cookies-anticsrf-without-samesite-flag', -20],
    ['cookies-session-without-httponly-flag', -30],
    ['cookies-session-without-secure-flag', -40],
  ]
  let worst = -1
  for (const c of cookies) {
    const session = c.name.includes('login') || c.name.includes('sess')
    const found: string[] = []
    if (!c.secure)
      found.push(session ? (hstsOk ? order[2]![0] : order[6]![0]) : hstsOk ? order[0]![0] : order[1]![0])
    if (
      c.sameSite !== undefined &&
      (!['lax', 'strict', 'none'].includes(c.sameSite.toLowerCase()) ||
        (c.sameSite.toLowerCase() === 'none' && !c.secure))
    ) {
      found.push(order[3]![0])
    }
    if (c.name.includes('csrf') && c.sameSite === undefined) found.push(order[4]![0])
    if (session && !c.httpOnly) found.push(order[5]![0])
    for (const f of found)
      worst = Math.max(
        worst,
        order.findIndex(([n]) => n === f),
      )
  }
  if (worst >= 0) return result(t, order[worst]![0], order[worst]![1], false)
  return cookies.every((c) => c.sameSite !== undefined)
    ? result(t, 'cookies-secure-with-httponly-sessions-and-samesite', 5, true)
    : result(t, 'cookies-secure-with-httponly-sessions', 0, true)
}

function corsTest(preflight: ScanInput['preflight']): TestResult {
  const t = 'cross-origin-resource-sharing'
  const acao = preflight && values(preflight.headers, 'access-control-allow-origin')[0]
  if (!acao) return result(t, 'cross-origin-resource-sharing-not-implemented', 0, true)
  if (acao === '*') return result(t, 'cross-origin-resource-sharing-implemented-with-public-access', 0, true)
  if (
    acao === preflight!.origin &&
    values(preflight!.headers, 'access-control-allow-credentials')[0] === 'true'
  ) {
    return result(t, 'cross-origin-resource-sharing-implemented-with-universal-access', -50, false)
  }
  return result(t, 'cross-origin-resource-sharing-implemented-with-restricted-access', 0, true)
}

function redirectionTest(http: ScanInput['http'], host: string): TestResult {
  const t = 'redirection'
  if (http === undefined) return result(t, 'redirection-not-needed-no-http', 0, true)
  if (http.status < 300 || http.status >= 400 || !http.location)
    return result(t, 'redirection-missing', -20, false)
  const next = new URL(http.location, `http://${host}/`)
  if (next.protocol === 'http:')
    return result(t, 'redirection-not-to-https-on-initial-redirection', -10, false)
  if (next.hostname !== host) return result(t, 'redirection-off-host-from-http', -5, false)
  return result(t, 'redirection-to-https', 0, true)
}

function referrerTest(h: Headers): TestResult {
  const t = 'referrer-policy'
  const raw = values(h, 'referrer-policy')
  if (raw.length === 0) return result(t, 'referrer-policy-not-implemented', 0, true)
  const valid = [
    'no-referrer',
    'same-origin',
    'strict-origin',
    'strict-origin-when-cross-origin',
    'origin',
    'origin-when-cross-origin',
    'unsafe-url',
    'no-referrer-when-downgrade',
  ]
  const tokens = raw
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter((s) => valid.includes(s))
  const last = tokens.at(-1)
  if (last === undefined) return result(t, 'referrer-policy-header-invalid', -5, false)
  return valid.indexOf(last) < 4
    ? result(t, 'referrer-policy-private', 5, true)
    : result(t, 'referrer-policy-unsafe', -5, false)
}

function hstsTest(h: Headers): TestResult {
  const t = 'strict-transport-security'
  const raw = values(h, 'strict-transport-security')
  if (raw.length === 0) return result(t, 'hsts-not-implemented', -20, false)
  const value = raw.join(', ')
  const maxAge = /max-age\s*=\s*"?(\d+)"?/i.exec(value)
  if (value.includes(',') || !maxAge) return result(t, 'hsts-header-invalid', -20, false)
  return Number(maxAge[1]) >= 15_552_000
    ? result(t, 'hsts-implemented-max-age-at-least-six-months', 0, true)
    : result(t, 'hsts-implemented-max-age-less-than-six-months', -10, false)
}

function sriTest(body: string | undefined, h: Headers): TestResult {
  const t = 'subresource-integrity'
  if (body === undefined || !String(values(h, 'content-type')[0] ?? '').includes('html')) {
    return result(t, 'sri-not-implemented-response-not-html', 0, true)
  }
  const scripts = [...body.matchAll(/<script\b[^>]*\bsrc=["']?([^"' >]+)/gi)].map((m) => m[1]!)
  if (scripts.length === 0) return result(t, 'sri-not-implemented-but-no-scripts-loaded', 0, true)
  const foreign = scripts.filter((s) => /^(https?:)?\/\//i.test(s))
  if (foreign.length === 0)
    return result(t, 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin', 0, true)
  return result(t, 'sri-not-implemented-and-external-scripts-loaded-securely', -5, false)
}

function xctoTest(h: Headers): TestResult {
  const t = 'x-content-type-options'
  const first = values(h, 'x-content-type-options')[0]
  if (first === undefined) return result(t, 'x-content-type-options-not-implemented', -5, false)
  return first.trim().toLowerCase() === 'nosniff'
    ? result(t, 'x-content-type-options-nosniff', 0, true)
    : result(t, 'x-content-type-options-header-invalid', -5, false)
}

function xfoTest(h: Headers, algorithm: number): TestResult {
  const t = 'x-frame-options'
  const csp = values(h, 'content-security-policy').join(';')
  if (/(^|;)\s*frame-ancestors\b/i.test(csp)) return result(t, 'x-frame-options-implemented-via-csp', 5, true)
  const raw = values(h, 'x-frame-options')
  if (raw.length === 0) return result(t, 'x-frame-options-not-implemented', -20, false)
  const v = raw.join(',').trim().toUpperCase()
  if (v === 'DENY' || v === 'SAMEORIGIN')
    return result(t, 'x-frame-options-sameorigin-or-deny', algorithm >= 5 ? 5 : 0, true)
  if (v.startsWith('ALLOW-FROM')) return result(t, 'x-frame-options-allow-from-origin', 0, true)
  return result(t, 'x-frame-options-header-invalid', -20, false)
}

function tokenTest(h: Headers, name: string, good: string[], neutral: string[]): TestResult {
  const raw = values(h, name)
  if (raw.length === 0) return result(name, `${name}-not-implemented`, 0, true)
  const v = raw.length === 1 ? raw[0]!.trim().toLowerCase() : ''
  if (good.includes(v)) return result(name, `${name}-implemented`, 10, true)
  if (neutral.includes(v)) return result(name, `${name}-implemented-neutral`, 0, true)
  return result(name, `${name}-header-invalid`, -5, false)
}

const corpTest = (h: Headers) =>
  tokenTest(h, 'cross-origin-resource-policy', ['same-origin', 'same-site'], ['cross-origin'])
const coopTest = (h: Headers) =>
  tokenTest(
    h,
    'cross-origin-opener-policy',
    ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups'],
    ['unsafe-none'],
  )
const coepTest = (h: Headers) =>
  tokenTest(h, 'cross-origin-embedder-policy', ['require-corp', 'credentialless'], ['unsafe-none'])
