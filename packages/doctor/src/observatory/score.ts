import { cookiesTest } from './cookies.ts'
import { corsTest } from './cors.ts'
import { coepTest, coopTest, corpTest } from './cross-origin.ts'
import { analyseCsp, type CspAnalysis } from './csp.ts'
import { gradeForScore, scoreFromModifiers } from './grade.ts'
import { referrerPolicyTest, xContentTypeOptionsTest, xFrameOptionsTest } from './headers.ts'
import { httpEquiv } from './html.ts'
import { firstHeader, headerValues, type ObservatoryInput, type ObservatoryResponse } from './input.ts'
import type { ObservatoryTest } from './result.ts'
import { sriTest } from './sri.ts'
import { type HstsAnalysis, hstsTest, redirectionTest } from './transport.ts'

export interface ObservatoryScore {
  algorithm: 5 | 6
  /** 0 and up (bonuses can lift it past 100). */
  score: number
  grade: string
  testsPassed: number
  testsFailed: number
  testsQuantity: number
  tests: ObservatoryTest[]
  /** The CSP as graded (the audit's own CSP checks read it). */
  csp: CspAnalysis
  hsts: HstsAnalysis
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml'])

/**
 * The MDN HTTP Observatory's score and grade for one scan (algorithm 5: ten
 * tests; 6 adds COOP and COEP), computed from collected responses. The page
 * graded is the HTTPS response when there is one, else the HTTP one.
 */
export function scoreObservatory(input: ObservatoryInput): ObservatoryScore {
  const algorithm = input.algorithm ?? 5
  const page: ObservatoryResponse | undefined = input.https ?? input.http
  const pageUrl = new URL(input.url)
  if (!input.https) pageUrl.protocol = 'http:'
  const secure = pageUrl.protocol === 'https:'
  const isHtml =
    page !== undefined && HTML_TYPES.has((firstHeader(page.headers, 'content-type') ?? '').split(';', 1)[0]!)
  const meta = isHtml && page.body ? httpEquiv(page.body) : { csp: [], referrer: [] }

  const csp = analyseCsp(page, meta.csp, secure)
  const hsts = hstsTest(input.https)
  const pageCookies = headerValues(page?.headers, 'set-cookie')
  const tests: ObservatoryTest[] = [
    csp.test,
    cookiesTest(pageCookies, input.cookies ?? pageCookies, hsts.test.pass),
    corsTest(input.cors),
    redirectionTest(input.http, input.httpRedirects ?? []),
    referrerPolicyTest(page, meta.referrer),
    hsts.test,
    sriTest(page, pageUrl),
    xContentTypeOptionsTest(page),
    xFrameOptionsTest(page, csp.policy),
    corpTest(page),
  ]
  if (algorithm >= 6) tests.push(coopTest(page), coepTest(page))
  const score = scoreFromModifiers(tests.map((t) => t.modifier))
  const testsPassed = tests.filter((t) => t.pass).length
  return {
    algorithm,
    score,
    grade: gradeForScore(score),
    testsPassed,
    testsFailed: tests.length - testsPassed,
    testsQuantity: tests.length,
    tests,
    csp,
    hsts,
  }
}
