import { KitError } from '@kit/internal'
import { envBoolean, envList } from './env.ts'
import { type FrameworkIO, mergeVary } from './io.ts'
import type { EventLog, Warnings } from './log.ts'
import type { CorsOptions, SecurityEnv } from './options.ts'
import { createOriginMatcher, type OriginMatcher } from './origins.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/
const KEYS = ['origins', 'credentials', 'methods', 'allowedHeaders', 'exposedHeaders', 'maxAge']

export interface CorsConfig {
  origins: OriginMatcher
  credentials: boolean
  methods: string
  /** undefined: echo Access-Control-Request-Headers (allowed origins only). */
  allowedHeaders: string | undefined
  exposedHeaders: string | undefined
  maxAge: string
  varyOrigin: boolean
}

export function parseCors(
  options: CorsOptions | false | undefined,
  env: SecurityEnv,
  production: boolean,
  warnings: Warnings,
  fail: Fail,
): CorsConfig | undefined {
  if (options === false) return undefined
  const opts = options ?? {}
  rejectUnknownKeys(opts, KEYS, 'cors', (m) => fail('KIT_SECURITY_INVALID_OPTION', m))
  const fromOption = opts.origins !== undefined
  const list = (fromOption ? envList(opts.origins) : envList(env.ALLOWED_ORIGINS)) ?? []
  const setting = fromOption ? 'cors.origins' : 'ALLOWED_ORIGINS'
  const origins = createOriginMatcher(list, setting, fail)
  const credentials =
    opts.credentials ?? envBoolean('CORS_ALLOW_CREDENTIALS', env.CORS_ALLOW_CREDENTIALS) ?? false
  if (origins.any && credentials) {
    throw new KitError(
      'KIT_SECURITY_CORS_WILDCARD_CREDENTIALS',
      `${setting} allows every origin ("*") and ${opts.credentials === undefined ? 'CORS_ALLOW_CREDENTIALS' : 'cors.credentials'} is true: every site could read your users' data. List the origins that may send cookies (https://app.example.com, https://*.example.com) or turn credentials off.`,
    )
  }
  if (production && [...origins.exact, ...origins.patterns].some((o) => o.startsWith('http://'))) {
    warnings.warn('cors-insecure-origin', `${setting} trusts a plain http:// origin in production.`)
  }
  return {
    origins,
    credentials,
    methods: tokens(
      'cors.methods',
      opts.methods ?? ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      fail,
      true,
    ),
    allowedHeaders: opts.allowedHeaders && tokens('cors.allowedHeaders', opts.allowedHeaders, fail, false),
    exposedHeaders: opts.exposedHeaders?.length
      ? tokens('cors.exposedHeaders', opts.exposedHeaders, fail, false)
      : undefined,
    maxAge: String(seconds(opts.maxAge, fail)),
    varyOrigin: credentials || (!origins.any && (origins.exact.size > 0 || origins.patterns.length > 0)),
  }
}

function tokens(name: string, list: readonly string[], fail: Fail, upper: boolean): string {
  if (!Array.isArray(list))
    fail('KIT_SECURITY_INVALID_OPTION', `${name} must be an array of names; got ${JSON.stringify(list)}.`)
  for (const item of list) {
    if (typeof item !== 'string' || !TOKEN.test(item)) {
      fail('KIT_SECURITY_INVALID_OPTION', `${name}: ${JSON.stringify(item)} is not a method or header name.`)
    }
  }
  return list.map((t) => (upper ? t.toUpperCase() : t)).join(', ')
}

function seconds(value: number | undefined, fail: Fail): number {
  if (value === undefined) return 600
  if (!Number.isInteger(value) || value < 0) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `cors.maxAge must be a whole number of seconds; got ${String(value)}.`,
    )
  }
  return value
}

/**
 * Applies CORS to one request. Returns true when the request was a preflight
 * and has been answered: 204 with CORS headers for an allowed origin, 403
 * without them for a refused one. Preflights never reach the routes.
 */
export function applyCors<Req, Res>(
  config: CorsConfig,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  events: EventLog,
): boolean {
  const headers = io.raw(req).headers
  const origin = headers.origin
  // Responses differ by Origin whenever some origins are allowed and others not: tell caches.
  if (config.varyOrigin) vary(io, res, 'Origin')
  if (origin === undefined) return false
  const preflight = io.raw(req).method === 'OPTIONS' && headers['access-control-request-method'] !== undefined
  const allowed = config.origins.any || config.origins.matches(origin)
  if (allowed) {
    io.setHeader(res, 'Access-Control-Allow-Origin', config.origins.any && !config.credentials ? '*' : origin)
    if (config.credentials) io.setHeader(res, 'Access-Control-Allow-Credentials', 'true')
    if (!preflight && config.exposedHeaders)
      io.setHeader(res, 'Access-Control-Expose-Headers', config.exposedHeaders)
  }
  if (!preflight) return false
  if (!allowed) {
    events.log(
      'cors',
      { origin: origin.slice(0, 200) },
      'refused a CORS preflight from an origin not on the allowlist',
    )
    io.send(res, 403, undefined)
    return true
  }
  io.setHeader(res, 'Access-Control-Allow-Methods', config.methods)
  const requested = headers['access-control-request-headers']
  if (config.allowedHeaders !== undefined)
    io.setHeader(res, 'Access-Control-Allow-Headers', config.allowedHeaders)
  else if (requested && HEADER_LIST.test(requested)) {
    io.setHeader(res, 'Access-Control-Allow-Headers', requested)
    vary(io, res, 'Access-Control-Request-Headers')
  }
  io.setHeader(res, 'Access-Control-Max-Age', config.maxAge)
  io.send(res, 204, undefined)
  return true
}

function vary<Req, Res>(io: FrameworkIO<Req, Res>, res: Res, token: string): void {
  const next = mergeVary(io.getHeader(res, 'Vary'), token)
  if (next !== undefined) io.setHeader(res, 'Vary', next)
}
