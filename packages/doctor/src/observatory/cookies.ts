import { type ObservatoryTest, testResult, worse } from './result.ts'

/** One Set-Cookie, as a cookie jar keeps it. */
export interface ParsedCookie {
  name: string
  secure: boolean
  httpOnly: boolean
  /** 'strict' | 'lax' | 'none', or undefined when absent or unrecognised. */
  sameSite: string | undefined
  /** The raw SameSite value, when the attribute is present (even empty). */
  rawSameSite: string | undefined
  path: string | undefined
  domain: string | undefined
  maxAge: number | undefined
}

export function parseSetCookie(header: string): ParsedCookie | undefined {
  const [pair = '', ...attributes] = header.split(';')
  const eq = pair.indexOf('=')
  const name = (eq === -1 ? pair : pair.slice(0, eq)).trim()
  if (!name) return undefined
  const cookie: ParsedCookie = {
    name,
    secure: false,
    httpOnly: false,
    sameSite: undefined,
    rawSameSite: undefined,
    path: undefined,
    domain: undefined,
    maxAge: undefined,
  }
  for (const attribute of attributes) {
    const at = attribute.indexOf('=')
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase()
    const value = at === -1 ? '' : attribute.slice(at + 1).trim()
    if (key === 'secure') cookie.secure = true
    else if (key === 'httponly') cookie.httpOnly = true
    else if (key === 'path') cookie.path = value
    else if (key === 'domain') cookie.domain = value
    else if (key === 'max-age' && /^-?\d+$/.test(value)) cookie.maxAge = Number(value)
    else if (key === 'samesite') {
      cookie.rawSameSite = value
      const lower = value.toLowerCase()
      cookie.sameSite = ['strict', 'lax', 'none'].includes(lower) ? lower : undefined
    }
  }
  return cookie
}

/** Platform cookies the Observatory ignores (Heroku's router sets it without flags). */
const IGNORED = new Set(['heroku-session-affinity'])

const ORDER = [
  'cookies-without-secure-flag-but-protected-by-hsts',
  'cookies-without-secure-flag',
  'cookies-session-without-secure-flag-but-protected-by-hsts',
  'cookies-samesite-flag-invalid',
  'cookies-anticsrf-without-samesite-flag',
  'cookies-session-without-httponly-flag',
  'cookies-session-without-secure-flag',
]

/** True when the raw header has a SameSite attribute that is empty or not Lax, Strict or None. */
function invalidSameSite(header: string): boolean {
  for (const part of header.split(';')) {
    const [key = '', value] = part.trim().split('=')
    if (key.trim().toLowerCase() !== 'samesite') continue
    if (!value || !['lax', 'strict', 'none'].includes(value.trim().toLowerCase())) return true
  }
  return false
}

/**
 * The Observatory's cookie test: every cookie of the scan, the worst problem
 * wins (reference §1.4). "Session" cookies have login or sess in the name,
 * anti-CSRF ones csrf. `hsts` is whether the HSTS test passed.
 */
export function cookiesTest(
  pageCookies: readonly string[],
  allCookies: readonly string[],
  hsts: boolean,
): ObservatoryTest {
  const name = 'cookies'
  let result: string | undefined
  for (const raw of pageCookies)
    if (invalidSameSite(raw)) result = worse('cookies-samesite-flag-invalid', result, ORDER)
  // A jar keeps the last cookie of each name and path.
  const jar = new Map<string, ParsedCookie>()
  for (const raw of allCookies) {
    const cookie = parseSetCookie(raw)
    if (cookie && !IGNORED.has(cookie.name)) jar.set(`${cookie.name}\u0000${cookie.path ?? '/'}`, cookie)
  }
  if (jar.size === 0) return testResult(name, 'cookies-not-found', true)
  let missingSameSite = false
  for (const cookie of jar.values()) {
    const key = cookie.name.toLowerCase()
    const session = key.includes('login') || key.includes('sess')
    const antiCsrf = key.includes('csrf')
    if (!cookie.secure && cookie.sameSite === 'none')
      result = worse('cookies-samesite-flag-invalid', result, ORDER)
    if (!cookie.secure)
      result = worse(
        hsts ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag',
        result,
        ORDER,
      )
    if (antiCsrf && !cookie.sameSite) result = worse('cookies-anticsrf-without-samesite-flag', result, ORDER)
    if (session && !cookie.secure)
      result = worse(
        hsts
          ? 'cookies-session-without-secure-flag-but-protected-by-hsts'
          : 'cookies-session-without-secure-flag',
        result,
        ORDER,
      )
    if (session && !cookie.httpOnly) result = worse('cookies-session-without-httponly-flag', result, ORDER)
    if (!cookie.sameSite) missingSameSite = true
  }
  if (result === undefined) {
    return missingSameSite
      ? testResult(name, 'cookies-secure-with-httponly-sessions', true)
      : testResult(name, 'cookies-secure-with-httponly-sessions-and-samesite', true)
  }
  return testResult(name, result, false)
}
