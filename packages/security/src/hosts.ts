import { type FrameworkIO, refusalBody, sendRefusal } from './io.ts'
import type { EventLog } from './log.ts'
import type { HostOptions } from './options.ts'

type Fail = (code: string, message: string) => never

const HOSTNAME =
  /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?|\[[0-9a-f:.]+\])$/
const HOST_HEADER = /^([^:[\]]+|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?$/

export interface HostsConfig {
  /** undefined: any host may be served. */
  allowed: HostMatcher | undefined
  /** Host (with port if any) aliases redirect to; undefined: no canonical redirect. */
  canonical: string | undefined
  aliases: ReadonlySet<string>
}

export interface HostMatcher {
  readonly names: readonly string[]
  matches(hostname: string): boolean
}

export interface ParsedHost {
  readonly hostname: string
  readonly port: string
}

// Nearly every request names the same host: the last answer is kept, so the
// two regexes and the lower-casing run once per distinct Host value in a row.
let lastHostValue: string | undefined
let lastHost: ParsedHost | undefined

/** Splits a Host header value into a lower-case host name and port; undefined when malformed. */
export function parseHostHeader(value: string | undefined): ParsedHost | undefined {
  if (!value) return undefined
  if (value === lastHostValue) return lastHost
  const parsed = parseHost(value)
  lastHostValue = value
  lastHost = parsed
  return parsed
}

function parseHost(value: string): ParsedHost | undefined {
  const m = HOST_HEADER.exec(value)
  if (!m) return undefined
  const hostname = m[1]!.toLowerCase()
  if (!HOSTNAME.test(hostname)) return undefined
  return { hostname: hostname.endsWith('.') ? hostname.slice(0, -1) : hostname, port: m[2] ?? '' }
}

export function parseHosts(
  options: HostOptions | false | undefined,
  appUrl: URL | undefined,
  production: boolean,
  fail: Fail,
): HostsConfig {
  if (options === false) return { allowed: undefined, canonical: undefined, aliases: new Set() }
  const useAppUrl = production && appUrl !== undefined
  let canonical: string | undefined
  if (options?.canonical !== undefined && options.canonical !== false) {
    canonical = checkName(options.canonical, 'hosts.canonical', fail, true)
  } else if (options?.canonical === undefined && useAppUrl) {
    canonical = appUrl.host.toLowerCase()
  }
  const canonicalName = canonical?.replace(/:\d+$/, '')
  const aliases = new Set<string>()
  for (const alias of options?.aliases ?? []) aliases.add(checkName(alias, 'hosts.aliases', fail, false))
  if (canonicalName && options?.aliases === undefined && !/^[\d.]+$|^\[/.test(canonicalName)) {
    aliases.add(canonicalName.startsWith('www.') ? canonicalName.slice(4) : `www.${canonicalName}`)
  }

  let names: string[] | undefined
  if (options?.allowed !== undefined)
    names = options.allowed.map((h) => checkName(h, 'hosts.allowed', fail, false, true))
  else if (useAppUrl) names = [appUrl.hostname.toLowerCase()]
  if (names !== undefined && canonicalName && names.length > 0 && !names.includes(canonicalName))
    names.push(canonicalName)
  return {
    allowed: names === undefined || names.length === 0 ? undefined : hostMatcher(names),
    canonical,
    aliases,
  }
}

function hostMatcher(names: readonly string[]): HostMatcher {
  const exact = new Set(names.filter((n) => !n.startsWith('*.')))
  const suffixes = names.filter((n) => n.startsWith('*.')).map((n) => n.slice(1))
  return {
    names,
    matches(hostname) {
      if (exact.has(hostname)) return true
      for (const suffix of suffixes) {
        if (hostname.length > suffix.length && hostname.endsWith(suffix)) return true
      }
      return false
    },
  }
}

function checkName(
  value: unknown,
  setting: string,
  fail: Fail,
  allowPort: boolean,
  allowWildcard = false,
): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : ''
  const bare = allowWildcard && text.startsWith('*.') ? text.slice(2) : text
  const withoutPort = allowPort ? bare.replace(/:\d{1,5}$/, '') : bare
  if (
    !withoutPort ||
    !HOSTNAME.test(withoutPort) ||
    (allowWildcard && text.startsWith('*.') && !bare.includes('.'))
  ) {
    fail(
      'KIT_SECURITY_INVALID_HOST',
      `${setting}: ${JSON.stringify(value)} is not a host name. Give bare names such as 'example.com'${allowWildcard ? " or '*.example.com'" : ''}, without scheme, path${allowPort ? '' : ' or port'}.`,
    )
  }
  return text
}

export interface HttpsConfig {
  force: boolean
  /** ':8443' or '' */
  portSuffix: string
  /** HSTS value to send with redirects answered over HTTPS (canonical host). */
  hsts: string | undefined
}

const UNKNOWN_HOST_BODY = refusalBody(
  421,
  'Misdirected Request',
  'KIT_SECURITY_UNKNOWN_HOST',
  'This server does not serve the requested host name.',
)
const BAD_HOST_BODY = refusalBody(
  400,
  'Bad Request',
  'KIT_SECURITY_BAD_HOST',
  'The Host header is missing or malformed.',
)

/**
 * Allowed hosts (421), then HTTP → HTTPS on the same host, then alias →
 * canonical host. Each hop keeps the path and query; 301 for GET/HEAD, 308
 * (method and body kept) otherwise. `secure` is the framework's answer, asked
 * once by the caller. Returns true when it answered.
 */
export function applyHosts<Req, Res>(
  hosts: HostsConfig,
  https: HttpsConfig,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  events: EventLog,
  secure: boolean,
): boolean {
  const host = parseHostHeader(io.host(req))
  if (host === undefined) {
    events.log(
      'host',
      { host: String(io.host(req)).slice(0, 100) },
      'refused a request with a malformed Host header',
    )
    sendRefusal(io, res, 400, BAD_HOST_BODY)
    return true
  }
  const { hostname } = host
  if (hosts.allowed && !hosts.allowed.matches(hostname) && !hosts.aliases.has(hostname)) {
    events.log(
      'host',
      { host: hostname.slice(0, 100) },
      'refused a request for a host that is not allowed (421)',
    )
    sendRefusal(io, res, 421, UNKNOWN_HOST_BODY)
    return true
  }
  if (https.force && !secure) {
    redirect(io, req, res, `https://${hostname}${https.portSuffix}`)
    return true
  }
  if (hosts.canonical !== undefined && hosts.aliases.has(hostname)) {
    if (secure && https.hsts) io.setHeader(res, 'Strict-Transport-Security', https.hsts)
    redirect(io, req, res, `${secure ? 'https' : 'http'}://${hosts.canonical}`)
    return true
  }
  return false
}

function redirect<Req, Res>(io: FrameworkIO<Req, Res>, req: Req, res: Res, origin: string): void {
  const method = io.raw(req).method
  io.setHeader(res, 'Location', origin + safePath(io.url(req)))
  io.send(res, method === 'GET' || method === 'HEAD' ? 301 : 308, undefined)
}

// A request target that is not origin-form ('*', 'http://x/…', '//x') must not steer the redirect elsewhere.
function safePath(url: string): string {
  return url.startsWith('/') && !url.startsWith('//') ? url : '/'
}
