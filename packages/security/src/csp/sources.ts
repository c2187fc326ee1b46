import {
  CSP_KEYWORDS,
  type CspSources,
  NON_SOURCE_DIRECTIVES,
  VALUELESS_DIRECTIVES,
} from './directive-names.ts'

type Fail = (code: string, message: string) => never

const HASH_OR_NONCE = /^(nonce|sha256|sha384|sha512)-[A-Za-z0-9+/_=-]+$/i
const FORBIDDEN = /[;,\s]/

/**
 * Turns one directive's configured value into a validated list of sources
 * (`true` for a valueless directive, `undefined` to remove it). Every
 * mistake a browser would silently ignore throws here instead.
 */
export function normaliseSources(
  directive: string,
  value: CspSources,
  fail: Fail,
): readonly string[] | true | undefined {
  if (value === false || value === null) return undefined
  const where = `csp '${directive}'`
  if (VALUELESS_DIRECTIVES.has(directive)) {
    // helmet writes a valueless directive as an empty list: upgradeInsecureRequests: [].
    if (value === true || (Array.isArray(value) && value.length === 0)) return true
    return fail(
      'KIT_SECURITY_INVALID_OPTION',
      `${where} takes no sources; got ${JSON.stringify(value)}. Use true to send it or false to leave it out.`,
    )
  }
  if (value === true) {
    return fail(
      'KIT_SECURITY_INVALID_OPTION',
      `${where} needs sources; got true. Give an array such as ["'self'"], or false to leave it out.`,
    )
  }
  const list: unknown[] = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [...value]
  if (list.length === 0) {
    return fail(
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      `${where} is empty. Use ["'none'"] to allow nothing, or false to leave the directive out.`,
    )
  }
  const sources: string[] = []
  for (const item of list) {
    if (typeof item !== 'string') {
      return fail(
        'KIT_SECURITY_CSP_INVALID_SOURCE',
        `${where} has a ${typeof item} source (${String(item)}); sources are strings. Functions are not needed: the nonce is added for you.`,
      )
    }
    const source = item.trim()
    if (source === '' || FORBIDDEN.test(source)) {
      return fail(
        'KIT_SECURITY_CSP_INVALID_SOURCE',
        `${where} source ${JSON.stringify(item)} contains a space, ';' or ','. Give one source per array item.`,
      )
    }
    if (!NON_SOURCE_DIRECTIVES.has(directive)) checkSource(where, source, fail)
    if (!sources.includes(source)) sources.push(source)
  }
  if (sources.includes("'none'") && sources.length > 1) {
    return fail(
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      `${where} mixes 'none' with other sources (${sources.join(' ')}); browsers then ignore 'none'. Use 'none' alone or drop it.`,
    )
  }
  return sources
}

function checkSource(where: string, source: string, fail: Fail): void {
  const lower = source.toLowerCase()
  if (CSP_KEYWORDS.has(lower) || HASH_OR_NONCE.test(source)) {
    fail(
      'KIT_SECURITY_CSP_INVALID_SOURCE',
      `${where} has the unquoted keyword ${source}, which browsers read as a host name. Write "'${source}'" (single quotes inside the string).`,
    )
  }
  if (source.startsWith("'")) {
    const inner = lower.slice(1, -1)
    if (
      !source.endsWith("'") ||
      source.length < 3 ||
      !(CSP_KEYWORDS.has(inner) || HASH_OR_NONCE.test(inner))
    ) {
      fail(
        'KIT_SECURITY_CSP_INVALID_SOURCE',
        `${where} has ${source}, which is not a CSP keyword, nonce or hash. Known keywords: ${[...CSP_KEYWORDS].map((k) => `'${k}'`).join(', ')}.`,
      )
    }
  }
}

/** Sources that let any script run (Observatory's "broad" list plus data:). */
export const BROAD_SCRIPT_SOURCES: ReadonlySet<string> = new Set([
  '*',
  'http:',
  'https:',
  'ftp:',
  'data:',
  'http://*',
  'http://*.*',
  'https://*',
  'https://*.*',
])
