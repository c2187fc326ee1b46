import { headerValues, type ObservatoryResponse, type RedirectHop } from './input.ts'
import { type ObservatoryTest, testResult } from './result.ts'

/** 15768000 is six months; the Observatory accepts the common 15552000 (180 days). */
export const SIX_MONTHS = 15_552_000

export interface HstsAnalysis {
  test: ObservatoryTest
  maxAge: number | undefined
  includeSubDomains: boolean
  preload: boolean
}

/**
 * The HSTS test, on the final HTTPS response. Two Strict-Transport-Security
 * fields (app plus proxy) reach it joined with ", ", which makes it invalid.
 * The preload bonus (+5) needs Chromium's preload list, which kit does not
 * ship: a preloaded site scores 5 less here than on the Observatory.
 */
export function hstsTest(https: ObservatoryResponse | undefined): HstsAnalysis {
  const name = 'strict-transport-security'
  const out = (result: string, extra: Partial<HstsAnalysis> = {}): HstsAnalysis => ({
    test: testResult(name, result, result === 'hsts-implemented-max-age-at-least-six-months'),
    maxAge: undefined,
    includeSubDomains: false,
    preload: false,
    ...extra,
  })
  if (!https) return out('hsts-not-implemented-no-https')
  if (https.verified === false) return out('hsts-invalid-cert')
  const header = headerValues(https.headers, 'strict-transport-security')[0]
  if (header === undefined) return out('hsts-not-implemented')
  const value = header.slice(0, 1024)
  let maxAge: number | undefined
  let includeSubDomains = false
  let preload = false
  for (const raw of value.split(';')) {
    const parameter = raw.trim().toLowerCase()
    if (parameter.startsWith('max-age=')) maxAge = Number.parseInt(parameter.slice(8, 128), 10)
    else if (parameter === 'includesubdomains') includeSubDomains = true
    else if (parameter === 'preload') preload = true
  }
  const extra = { maxAge, includeSubDomains, preload }
  if (value.includes(',') || maxAge === undefined) return out('hsts-header-invalid', extra)
  // parseInt of a non-number is NaN, which compares false: the Observatory counts it as at least six months.
  return out(
    maxAge < SIX_MONTHS
      ? 'hsts-implemented-max-age-less-than-six-months'
      : 'hsts-implemented-max-age-at-least-six-months',
    extra,
  )
}

/**
 * The redirection test: the http:// chain must go to https:// on its first
 * hop, stay on the same host for that hop, and end on https://.
 */
export function redirectionTest(
  http: ObservatoryResponse | undefined,
  route: readonly RedirectHop[],
): ObservatoryTest {
  const name = 'redirection'
  const passing = [
    'redirection-not-needed-no-http',
    'redirection-all-redirects-preloaded',
    'redirection-to-https',
  ]
  const out = (result: string) => testResult(name, result, passing.includes(result))
  if (!http) return out('redirection-not-needed-no-http')
  if (http.verified === false) return out('redirection-invalid-cert')
  const urls = route.map((hop) => new URL(hop.url))
  if (urls.length <= 1) return out('redirection-missing')
  if (urls.at(-1)!.protocol !== 'https:') return out('redirection-not-to-https')
  if (urls[1]!.protocol === 'http:') return out('redirection-not-to-https-on-initial-redirection')
  if (
    urls[0]!.protocol === 'http:' &&
    urls[1]!.protocol === 'https:' &&
    urls[0]!.hostname !== urls[1]!.hostname
  )
    return out('redirection-off-host-from-http')
  return out('redirection-to-https')
}
