import { DUPLICATES_KEY, type ParsedCsp, parseCsp, parseCspMeta, splitPolicies } from './csp-parser.ts'
import { headerValues, type ObservatoryResponse } from './input.ts'
import { type ObservatoryTest, testResult } from './result.ts'

const BROAD = new Set(['ftp:', 'http:', 'https:', '*', 'http://*', 'http://*.*', 'https://*', 'https://*.*'])
const UNSAFE_INLINE = new Set(["'unsafe-inline'", 'data:'])
const isBroadOrInline = (source: string): boolean => BROAD.has(source) || UNSAFE_INLINE.has(source)
const PASSIVE = ['img-src', 'media-src']
const NONCE_OR_HASH = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"]
const hasNonceOrHash = (sources: Set<string>): boolean =>
  [...sources].some((s) => NONCE_OR_HASH.some((prefix) => s.startsWith(prefix)))

/** The CSP test's verdict plus what the XFO test and the audit's own CSP checks read from it. */
export interface CspAnalysis {
  test: ObservatoryTest
  /** Header and meta policies combined; undefined when there is no valid enforced policy. */
  policy: ParsedCsp | undefined
  /** Header policies only (frame-ancestors only counts there). */
  headerPolicy: ParsedCsp
  strictDynamic: boolean
}

/**
 * The Observatory's CSP test (reference §1.4): header policies plus
 * <meta http-equiv> ones; the first failing condition, in the Observatory's
 * order, decides the result.
 */
export function analyseCsp(
  response: ObservatoryResponse | undefined,
  metaPolicies: readonly string[],
  secure: boolean,
): CspAnalysis {
  const name = 'content-security-policy'
  const none = (result: string): CspAnalysis => ({
    test: testResult(name, result, false),
    policy: undefined,
    headerPolicy: new Map(),
    strictDynamic: false,
  })
  if (!response) return none('csp-not-implemented')
  const headerPolicies = splitPolicies(headerValues(response.headers, 'content-security-policy'))
  const metaList = splitPolicies(metaPolicies)
  let csp: ParsedCsp
  try {
    csp = parseCsp([...headerPolicies, ...metaList])
  } catch {
    return none('csp-header-invalid')
  }
  const headerPolicy = tryParse(() => parseCsp(headerPolicies))
  const metaPolicy = tryParse(() => parseCspMeta(metaList))
  if (headerPolicy.size + metaPolicy.size === 0) {
    return none(
      headerValues(response.headers, 'content-security-policy-report-only').length > 0
        ? 'csp-not-implemented-but-reporting-enabled'
        : 'csp-not-implemented',
    )
  }

  let result: string | undefined
  const object = csp.get('object-src') ?? csp.get('default-src') ?? new Set(['*'])
  const script = csp.get('script-src') ?? csp.get('default-src') ?? new Set(['*'])
  const style = csp.get('style-src') ?? csp.get('default-src') ?? new Set(['*'])
  // A nonce or hash makes browsers ignore 'unsafe-inline' (the sets may be one and the same, default-src).
  for (const list of [script, style]) if (hasNonceOrHash(list)) list.delete("'unsafe-inline'")
  let strictDynamic = false
  if (hasNonceOrHash(script) && script.has("'strict-dynamic'")) {
    // With 'strict-dynamic' browsers ignore host and scheme sources, 'self' and 'unsafe-inline'.
    for (const source of [...script]) {
      if ([...BROAD].some((b) => source.startsWith(b)) || source === "'self'" || source === "'unsafe-inline'")
        script.delete(source)
    }
    strictDynamic = true
  } else if (script.has("'strict-dynamic'")) {
    result = 'csp-header-invalid'
  }

  const active = [...csp]
    .filter(([directive]) => !PASSIVE.includes(directive) && directive !== 'script-src')
    .flatMap(([, s]) => [...s])
  active.push(...script)
  const passive = PASSIVE.flatMap((d) => [...(csp.get(d) ?? csp.get('default-src') ?? [])])
  const insecure = (s: string) => s.startsWith('http:') || s.startsWith('ftp:')

  if ([...script].some(isBroadOrInline) || [...object].some((s) => BROAD.has(s)))
    result ??= 'csp-implemented-with-unsafe-inline'
  if (secure && active.some(insecure)) result ??= 'csp-implemented-with-insecure-scheme'
  if (script.has("'unsafe-eval'") || style.has("'unsafe-eval'")) result ??= 'csp-implemented-with-unsafe-eval'
  if (secure && passive.some(insecure))
    result ??= 'csp-implemented-with-insecure-scheme-in-passive-content-only'
  if ([...style].some(isBroadOrInline)) result ??= 'csp-implemented-with-unsafe-inline-in-style-src-only'
  const defaultSrc = csp.get('default-src')
  if (defaultSrc?.has("'none'") && defaultSrc.size === 1)
    result ??= 'csp-implemented-with-no-unsafe-default-src-none'
  else result ??= 'csp-implemented-with-no-unsafe'

  const passing = [
    'csp-implemented-with-no-unsafe',
    'csp-implemented-with-no-unsafe-default-src-none',
    'csp-implemented-with-unsafe-inline-in-style-src-only',
    'csp-implemented-with-insecure-scheme-in-passive-content-only',
  ]
  const pass = passing.includes(result)
  // Repeated report-uri/report-to: still a pass, but it replaces the bonus.
  if (pass && csp.has(DUPLICATES_KEY)) result = 'csp-implemented-but-duplicate-directives'
  csp.delete(DUPLICATES_KEY)
  return { test: testResult(name, result, pass), policy: csp, headerPolicy, strictDynamic }
}

function tryParse(parse: () => ParsedCsp): ParsedCsp {
  try {
    return parse()
  } catch {
    return new Map()
  }
}
