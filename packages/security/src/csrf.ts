import type { IncomingMessage } from 'node:http'
import { parseHostHeader } from './hosts.ts'
import { type FrameworkIO, pathOf, refusalBody, sendRefusal } from './io.ts'
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
  const exact = new Set<string>()
  const prefixes: string[] = []
  const predicates: ((req: IncomingMessage) => boolean)[] = []
  for (const item of list ?? []) {
    if (typeof item === 'function') predicates.push(item)
    else if (typeof item === 'string' && item.startsWith('/')) {
      if (item.endsWith('*')) prefixes.push(item.slice(0, -1))
      else exact.add(item)
    } else {
      fail(
        'KIT_SECURITY_INVALID_OPTION',
        `${setting}: ${JSON.stringify(item)} is not a route. Use '/webhooks/stripe', '/webhooks/*' or (req) => boolean.`,
      )
    }
  }
  if (exact.size === 0 && prefixes.length === 0 && predicates.length === 0) return () => false
  return (req, path) =>
    exact.has(path) || prefixes.some((p) => path.startsWith(p)) || predicates.some((f) => f(req))
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
 * site: by `Sec-Fetch-Site` when the browser sends it, else by comparing
 * `Origin` with the app's own origin. Trusted origins (ALLOWED_ORIGINS,
 * APP_URL) pass even cross-site. Returns true when the request was refused.
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
  if (config.onlyWithCookies && !headers.cookie) return false
  const origin = headers.origin
  if (origin !== undefined && config.trusted.matches(origin)) return false
  const site = headers['sec-fetch-site']
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
  if (path === alsoExempt || config.exempt(raw, path) || io.optedOut?.(req, 'csrf')) return false
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
