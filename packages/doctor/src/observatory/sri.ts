import { registrableDomain } from './domain.ts'
import { collectElements } from './html.ts'
import { firstHeader, type ObservatoryResponse } from './input.ts'
import { type ObservatoryTest, testResult, worse } from './result.ts'

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml'])
const ORDER = [
  'sri-implemented-and-all-scripts-loaded-securely',
  'sri-implemented-and-external-scripts-loaded-securely',
  'sri-implemented-but-external-scripts-not-loaded-securely',
  'sri-not-implemented-but-external-scripts-loaded-securely',
  'sri-not-implemented-and-external-scripts-not-loaded-securely',
  'sri-not-implemented-response-not-html',
]
const PASSING = [
  'sri-implemented-and-all-scripts-loaded-securely',
  'sri-implemented-and-external-scripts-loaded-securely',
  'sri-not-implemented-response-not-html',
  'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
  'sri-not-implemented-but-no-scripts-loaded',
]

export interface ScriptSource {
  src: string
  /** On another site (registrable domain), or protocol-relative. */
  foreign: boolean
  /** Loaded over https: (a relative URL on an https page counts). */
  secure: boolean
  integrity: boolean
}

/** The <script src> elements of a page, classified as the Observatory does. */
export function classifyScripts(html: string, pageUrl: URL): ScriptSource[] {
  const site = registrableDomain(pageUrl.hostname)
  const out: ScriptSource[] = []
  for (const script of collectElements(html, 'script')) {
    const src = script.src
    if (!src) continue
    const integrity = Boolean(script.integrity)
    if (/^\/\/[^/]/.test(src)) {
      out.push({ src, foreign: true, secure: false, integrity })
      continue
    }
    if (/^https?:\/\//.test(src)) {
      let url: URL
      try {
        url = new URL(src)
      } catch {
        continue
      }
      const sameSite = registrableDomain(url.hostname) === site
      out.push({ src, foreign: !sameSite, secure: url.protocol === 'https:', integrity })
      continue
    }
    out.push({ src, foreign: false, secure: pageUrl.protocol === 'https:', integrity })
  }
  return out
}

/** The SRI test: third-party scripts must come over HTTPS with an integrity hash. */
export function sriTest(response: ObservatoryResponse | undefined, pageUrl: URL): ObservatoryTest {
  const name = 'subresource-integrity'
  if (!response) return testResult(name, 'sri-not-implemented-but-no-scripts-loaded', true)
  const mime = (firstHeader(response.headers, 'content-type') ?? '').split(';', 1)[0]
  if (mime && !HTML_TYPES.has(mime)) return testResult(name, 'sri-not-implemented-response-not-html', true)
  const scripts = collectElements(response.body ?? '', 'script')
  if (scripts.length === 0) return testResult(name, 'sri-not-implemented-but-no-scripts-loaded', true)
  let result: string | undefined
  let anyForeign = false
  for (const script of classifyScripts(response.body ?? '', pageUrl)) {
    if (!script.foreign) {
      if (script.integrity && script.secure && result === undefined)
        result = 'sri-implemented-and-all-scripts-loaded-securely'
      continue
    }
    anyForeign = true
    if (script.integrity && !script.secure)
      result = worse('sri-implemented-but-external-scripts-not-loaded-securely', result, ORDER)
    else if (!script.integrity && script.secure)
      result = worse('sri-not-implemented-but-external-scripts-loaded-securely', result, ORDER)
    else if (!script.integrity)
      result = worse('sri-not-implemented-and-external-scripts-not-loaded-securely', result, ORDER)
  }
  result ??= anyForeign
    ? 'sri-implemented-and-external-scripts-loaded-securely'
    : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin'
  return testResult(name, result, PASSING.includes(result))
}
