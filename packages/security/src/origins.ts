import { type ConfiguredOrigin, parseConfiguredOrigin } from '@kit/internal'
import { checkOriginRegExp } from './origin-code.ts'

type Fail = (code: string, message: string) => never

const LABELS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/
// What browsers send: lower-case scheme and host, no default port, no trailing slash.
const SERIALISED = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/

interface Pattern {
  scheme: string
  /** '.example.com' */
  suffix: string
  port: string
}

/**
 * An allowlist of origins: exact origins are a Set lookup; `https://*.example.com`
 * patterns match one or more whole labels before `.example.com`, on the same
 * scheme and port, so `evil-example.com`, `example.com.attacker.net` and
 * `http://` variants never match.
 */
export interface OriginMatcher {
  readonly any: boolean
  readonly exact: ReadonlySet<string>
  readonly patterns: readonly string[]
  matches(origin: string): boolean
}

/** True for an origin as browsers serialise it (lower-case scheme and host, no path): what code-given origins see. */
export function isSerialisedOrigin(origin: string): boolean {
  return SERIALISED.test(origin)
}

export function createOriginMatcher(
  entries: readonly string[],
  setting: string,
  fail: Fail,
  regexps: readonly RegExp[] = [],
): OriginMatcher {
  const codePatterns = regexps.map((re) => checkOriginRegExp(re, setting, fail))
  let any = false
  const exact = new Set<string>()
  const patterns: Pattern[] = []
  const patternTexts: string[] = []
  for (const raw of entries) {
    const entry = typeof raw === 'string' ? raw.trim() : raw
    if (entry === '*') {
      any = true
      continue
    }
    const parsed = parseEntry(entry, setting, fail)
    if (parsed.wildcard) {
      patterns.push({ scheme: parsed.scheme, suffix: `.${parsed.host}`, port: parsed.port })
      patternTexts.push(parsed.text)
    } else exact.add(parsed.text)
  }
  const matchPattern = (origin: string): boolean => {
    const m = SERIALISED.exec(origin)
    if (!m) return false
    const [, scheme, host = '', port = ''] = m
    for (const p of patterns) {
      if (
        p.scheme !== scheme ||
        p.port !== port ||
        host.length <= p.suffix.length ||
        !host.endsWith(p.suffix)
      )
        continue
      if (LABELS.test(host.slice(0, -p.suffix.length))) return true
    }
    return false
  }
  const matchCode = (origin: string): boolean =>
    SERIALISED.test(origin) && codePatterns.some((re) => re.test(origin))
  return {
    any,
    exact,
    patterns: [...patternTexts, ...codePatterns.map(String)],
    matches:
      patterns.length === 0 && codePatterns.length === 0
        ? (origin) => exact.has(origin)
        : (origin) => exact.has(origin) || matchPattern(origin) || matchCode(origin),
  }
}

function parseEntry(entry: unknown, setting: string, fail: Fail): ConfiguredOrigin {
  const parsed =
    typeof entry === 'string'
      ? parseConfiguredOrigin(entry)
      : { problem: `${JSON.stringify(entry) ?? String(entry)} is not a string` }
  if ('problem' in parsed) {
    return fail(
      'KIT_SECURITY_CORS_INVALID_ORIGIN',
      `${setting}: ${parsed.problem}. Write origins as https://app.example.com or https://*.example.com.`,
    )
  }
  return parsed
}
