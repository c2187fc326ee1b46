import { KitError } from '@kit/internal'

export interface SecureCookieOptions {
  /** `false` drops Secure and the prefix: only for plain-http development. @default true */
  secure?: boolean
  /** @default true */
  httpOnly?: boolean
  /** @default 'Lax' */
  sameSite?: 'Lax' | 'Strict' | 'None'
  /** Seconds until it expires (0 deletes it); omitted: a session cookie. @default undefined */
  maxAge?: number
  /** @default undefined */
  expires?: Date
  /** @default '/' */
  path?: string
  /** Sharing with subdomains rules out the `__Host-` prefix. @default undefined */
  domain?: string
  /**
   * `'auto'`: `__Host-` when Secure, Path=/ and no Domain (the cookie cannot
   * be set or shadowed by a subdomain), else `__Secure-`.
   * @default 'auto'
   */
  prefix?: 'auto' | '__Host-' | '__Secure-' | false
  /** CHIPS partitioned cookie. @default false */
  partitioned?: boolean
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

function invalid(message: string): never {
  throw new KitError('KIT_SECURITY_INVALID_COOKIE', message)
}

/**
 * A Set-Cookie value with safe defaults: Secure, HttpOnly, SameSite=Lax,
 * Path=/ and the `__Host-` prefix. The value is URI-encoded.
 *
 * Express: `res.append('Set-Cookie', secureCookie('session', id))`;
 * Fastify: `reply.header('set-cookie', secureCookie('session', id))`.
 * Read it back under its full name (`__Host-session`): see {@link cookieName}.
 */
export function secureCookie(name: string, value: string, options: SecureCookieOptions = {}): string {
  const secure = options.secure !== false
  const path = options.path ?? '/'
  const sameSite = options.sameSite ?? 'Lax'
  const fullName = cookieName(name, options)
  if (!['Lax', 'Strict', 'None'].includes(sameSite)) {
    invalid(
      `secureCookie(${JSON.stringify(name)}): sameSite must be 'Lax', 'Strict' or 'None'; got ${JSON.stringify(sameSite)}.`,
    )
  }
  if (sameSite === 'None' && !secure)
    invalid(`secureCookie(${JSON.stringify(name)}): SameSite=None needs Secure; browsers drop it.`)
  if (!PATH.test(path))
    invalid(
      `secureCookie(${JSON.stringify(name)}): path must start with '/' and hold no ';'; got ${JSON.stringify(path)}.`,
    )
  if (options.domain !== undefined && !DOMAIN.test(options.domain)) {
    invalid(
      `secureCookie(${JSON.stringify(name)}): domain ${JSON.stringify(options.domain)} is not a host name.`,
    )
  }
  if (typeof value !== 'string')
    invalid(`secureCookie(${JSON.stringify(name)}): the value must be a string; got ${typeof value}.`)

  const parts = [`${fullName}=${encodeURIComponent(value)}`, `Path=${path}`]
  if (options.domain !== undefined) parts.push(`Domain=${options.domain}`)
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge))
      invalid(`secureCookie(${JSON.stringify(name)}): maxAge must be whole seconds; got ${options.maxAge}.`)
    parts.push(`Max-Age=${options.maxAge}`)
    if (options.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  }
  if (options.expires !== undefined) {
    if (!(options.expires instanceof Date) || Number.isNaN(options.expires.getTime())) {
      invalid(`secureCookie(${JSON.stringify(name)}): expires must be a valid Date.`)
    }
    parts.push(`Expires=${options.expires.toUTCString()}`)
  }
  if (secure) parts.push('Secure')
  if (options.httpOnly !== false) parts.push('HttpOnly')
  parts.push(`SameSite=${sameSite}`)
  if (options.partitioned === true) parts.push('Partitioned')
  return parts.join('; ')
}

/** The name a cookie is sent back under, prefix included (what to read from the Cookie header). */
export function cookieName(name: string, options: SecureCookieOptions = {}): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    invalid(
      `secureCookie: ${JSON.stringify(name)} is not a cookie name; use letters, digits and -_.!#$%&*+^\`|~.`,
    )
  }
  const secure = options.secure !== false
  const hostOnly = (options.path ?? '/') === '/' && options.domain === undefined
  const given = name.startsWith('__Host-')
    ? '__Host-'
    : name.startsWith('__Secure-')
      ? '__Secure-'
      : undefined
  const wanted = options.prefix ?? 'auto'
  if (given !== undefined) {
    checkPrefix(name, given, secure, hostOnly)
    return name
  }
  if (wanted === false || (!secure && wanted === 'auto')) return name
  const prefix = wanted === 'auto' ? (hostOnly ? '__Host-' : '__Secure-') : wanted
  checkPrefix(name, prefix, secure, hostOnly)
  return prefix + name
}

function checkPrefix(name: string, prefix: string, secure: boolean, hostOnly: boolean): void {
  if (!secure)
    invalid(`secureCookie(${JSON.stringify(name)}): the ${prefix} prefix needs Secure; browsers drop it.`)
  if (prefix === '__Host-' && !hostOnly) {
    invalid(
      `secureCookie(${JSON.stringify(name)}): __Host- cookies need Path=/ and no Domain; use prefix '__Secure-'.`,
    )
  }
}
