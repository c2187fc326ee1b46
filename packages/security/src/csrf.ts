import type { IncomingMessage } from 'node:http'
import { parseHostHeader } from './hosts.ts'
import { compilePathList, type FrameworkIO, pathOf, refusalBody, sendRefusal } from './io.ts'
import type { EventLog } from './log.ts'
import type { CsrfOptions, RouteMatcher } from './options.ts'
import type { OriginMatcher } from './origins.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])
const KNOWN_FETCH_SITES = new Set(['same-origin', 'same-site', 'cross-site', 'none'])

export interface CsrfConfig {
  exempt: (req: IncomingMessage, path: string) => boolean
  onlyWithCookies: boolean
  /** ALLOWED_ORIGINS plus APP_URL's origin: trusted even cross-site. */
  trusted: OriginMatcher
}

/** Compiles exact paths, `prefix/*` patterns and predicates into one test. */
export function compileRoutes(
  list: readonly RouteMatcher[] | undefined,
  setting: string,
  fail: Fail,
): (req: IncomingMessage, path: string) => boolean {
  const exact: string[] = []
  const prefixes: string[] = []
  const predicates: ((req: IncomingMessage) => boolean)[] = []
  for (const item of list ?? []) {
    if (typeof item === 'function') predicates.push(item)
    else if (typeof item === 'string' && item.startsWith('/')) {
      if (item.endsWith('*')) prefixes.push(item.slice(0, -1))
      else exact.push(item)
    } else {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `${setting}: ${JSON.stringify(item)} is not a route. Use '/webhooks/stripe', '/webhooks/*' or (req) => boolean.`,
      )
    }
  }
  if (exact.length === 0 && prefixes.length === 0 && predicates.length === 0) return () => false
  const paths = compilePathList(exact, prefixes)
  return (req, path) => paths(path) || predicates.some((f) => f(req))
}

export function parseCsrf(
  options: CsrfOptions | false | undefined,
  trusted: OriginMatcher,
  fail: Fail,
): CsrfConfig | undefined {
  if (options === false) return undefined
  const opts = options ?? {}
  rejectUnknownKeys(opts, ['exempt', 'onlyWithCookies'], 'csrf', (m) =>
    fail('KIT_SECURITY_INVALID_OPTION', m),
  )
  return {
    exempt: compileRoutes(opts.exempt, 'csrf.exempt', fail),
    onlyWithCookies: opts.onlyWithCookies !== false,
    trusted,
  }
}

/**
 * Refuses (403) a state-changing request a browser sent on behalf of another
 * site (docs/security.md, "CSRF"):
 * - a browser that says so with Fetch Metadata (`Sec-Fetch-Site: cross-site`,
 *   or a value no browser sends) is refused whatever its cookies: a cross-site
 *   form post to a login route carries no cookie (SameSite=Lax) yet signs the
 *   visitor in to the attacker's account (login CSRF);
 * - `same-site` is refused when the request carries cookies (or always, with
 *   `onlyWithCookies: false`);
 * - without Fetch Metadata (servers, webhooks, old browsers), `Origin` is
 *   compared with the app's own origin, for requests with cookies.
 * Trusted origins (ALLOWED_ORIGINS, APP_URL) pass; exempt routes (`exempt`,
 * Fastify route config `csrf: false`) opt out. Returns true when refused.
 */
export function applyCsrf<Req, Res>(
  config: CsrfConfig,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  events: EventLog,
  alsoExempt: string | undefined,
): boolean {
  const raw = io.raw(req)
  if (SAFE_METHODS.has(raw.method ?? 'GET')) return false
  const headers = raw.headers
  const site = headers['sec-fetch-site']
  const saysCrossSite =
    site !== undefined && site !== 'same-origin' && site !== 'none' && site !== 'same-site'
  if (!saysCrossSite && config.onlyWithCookies && !headers.cookie) return false
  const origin = headers.origin
  if (origin !== undefined && config.trusted.matches(origin)) return false
  let reason: string
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return false
    reason = KNOWN_FETCH_SITES.has(site) ? `Sec-Fetch-Site is ${site}` : 'Sec-Fetch-Site is malformed'
  } else {
    // Browsers without Fetch Metadata: no Origin means not a browser form or fetch.
    if (origin === undefined) return false
    if (origin === ownOrigin(io, req)) return false
    reason = 'its Origin is neither this site nor an allowed origin'
  }
  const path = pathOf(io.url(req))
  if (
    (alsoExempt !== undefined && path === pathOf(alsoExempt)) ||
    config.exempt(raw, path) ||
    io.optedOut?.(req, 'csrf')
  )
    return false
  events.log('csrf', { method: raw.method, path, reason }, 'refused a cross-site request (CSRF)')
  sendRefusal(
    io,
    res,
    403,
    refusalBody(
      403,
      'Forbidden',
      'KIT_SECURITY_CROSS_SITE_REQUEST',
      `Cross-site request refused: ${reason}.`,
    ),
  )
  return true
}

function ownOrigin<Req, Res>(io: FrameworkIO<Req, Res>, req: Req): string | undefined {
  const host = parseHostHeader(io.host(req))
  if (!host) return undefined
  const secure = io.secure(req)
  const port = (secure && host.port === '443') || (!secure && host.port === '80') ? '' : host.port
  return `${secure ? 'https' : 'http'}://${host.hostname}${port ? `:${port}` : ''}`
}
