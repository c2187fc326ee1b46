import { type ParsedCookie, parseSetCookie } from '../observatory/cookies.ts'
import { type ParsedCsp, parseCsp, splitPolicies } from '../observatory/csp-parser.ts'
import { httpEquiv } from '../observatory/html.ts'
import type { ObservatoryInput, ObservatoryResponse } from '../observatory/input.ts'
import { type ObservatoryScore, scoreObservatory } from '../observatory/score.ts'
import type { Chain, Collected } from './collect.ts'
import type { FetchedResponse } from './http-client.ts'

/** A cookie and the response that set it. */
export interface SeenCookie extends ParsedCookie {
  raw: string
  response: FetchedResponse
}

/** What every live check reads: the collected responses and what is derived from them once. */
export interface AuditContext {
  collected: Collected
  /** The final HTTPS response (the page graded), if HTTPS answered. */
  page: FetchedResponse | undefined
  /** The Observatory's view of the scan. */
  observatory: ObservatoryScore
  /** CSP header values plus <meta http-equiv> policies of the page. */
  cspPolicies: { header: string[]; meta: string[]; reportOnly: string[] }
  /** Header and meta policies combined (undefined: none, or unparsable). */
  csp: ParsedCsp | undefined
  /** Header policies only (frame-ancestors and sandbox count only there). */
  headerCsp: ParsedCsp | undefined
  /** Every cookie set over HTTPS during the audit. */
  cookies: SeenCookie[]
  now: Date
  /** Local mode: the certificate is a throwaway one, so its checks do not apply. */
  local: boolean
}

const SESSION_NAME = /sess|login|sid|token|auth/i

export function isSessionCookie(name: string): boolean {
  return SESSION_NAME.test(name)
}

export function toObservatoryResponse(
  response: FetchedResponse | undefined,
): ObservatoryResponse | undefined {
  if (!response) return undefined
  const out: ObservatoryResponse = { status: response.status, headers: response.headers, body: response.body }
  if (response.tls) out.verified = response.tls.authorized
  return out
}

function chainVerified(chain: Chain): boolean {
  return chain.hops.every((hop) => !hop.response?.tls || hop.response.tls.authorized)
}

function tryParse(policies: string[]): ParsedCsp | undefined {
  if (policies.length === 0) return undefined
  try {
    return parseCsp(policies)
  } catch {
    return undefined
  }
}

export function createAuditContext(
  collected: Collected,
  algorithm: 5 | 6,
  now: Date = new Date(),
  local = false,
): AuditContext {
  const page = collected.https.final
  const httpsResponses = [
    ...collected.https.hops.flatMap((hop) => (hop.response ? [hop.response] : [])),
    ...(collected.robots ? [collected.robots] : []),
  ]
  const cookieValues = httpsResponses.flatMap((r) => r.headers['set-cookie'] ?? [])
  const httpFinal = toObservatoryResponse(collected.http.final)
  if (httpFinal && !chainVerified(collected.http)) httpFinal.verified = false
  const input: ObservatoryInput = {
    url: collected.target.href,
    httpRedirects: collected.http.hops.map((hop) => ({ url: hop.url, status: hop.status })),
    cookies: cookieValues,
    algorithm,
  }
  const https = toObservatoryResponse(page)
  if (https) input.https = https
  if (httpFinal) input.http = httpFinal
  const random = collected.cors.find((p) => p.kind === 'random')
  if (random?.preflight) input.cors = { headers: random.preflight.headers, origin: random.origin }

  const contentType = String(page?.headers['content-type'] ?? '')
  const meta =
    page && /^(text\/html|application\/xhtml\+xml)/.test(contentType) ? httpEquiv(page.body).csp : []
  const header = page?.fields.get('content-security-policy') ?? []
  const cookies: SeenCookie[] = []
  for (const response of [...httpsResponses, ...(collected.notFound ? [collected.notFound] : [])]) {
    for (const raw of response.headers['set-cookie'] ?? []) {
      const parsed = parseSetCookie(raw)
      if (parsed) cookies.push({ ...parsed, raw, response })
    }
  }
  return {
    collected,
    page,
    observatory: scoreObservatory(input),
    cspPolicies: { header, meta, reportOnly: page?.fields.get('content-security-policy-report-only') ?? [] },
    csp: tryParse(splitPolicies([...header, ...meta])),
    headerCsp: tryParse(splitPolicies(header)),
    cookies,
    now,
    local,
  }
}
