import { KitError } from '@kit/internal'
import { corsOrigins, nameList, preflightStatus } from './dialects/cors.ts'
import { envBoolean } from './env.ts'
import { type HeaderTarget, headerTargetOf, prepareHeader, writeHeader } from './header-writer.ts'
import { type FrameworkIO, mergeVary } from './io.ts'
import type { EventLog, Warnings } from './log.ts'
import type { CorsOptions, CorsOriginFunction, SecurityEnv } from './options.ts'
import { askOriginFunction } from './origin-code.ts'
import { createOriginMatcher, isSerialisedOrigin, type OriginMatcher } from './origins.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Names prepared once (header-writer.ts). Every value written with them is safe to write
// unchecked: a start-up setting, a matched origin (an allowlisted one, or one in the
// serialised form patterns and origin functions are only ever asked about), or a header
// list that passed HEADER_LIST.
const ALLOW_ORIGIN = prepareHeader('Access-Control-Allow-Origin', '*')
const ALLOW_CREDENTIALS = prepareHeader('Access-Control-Allow-Credentials', 'true')
const EXPOSE_HEADERS = prepareHeader('Access-Control-Expose-Headers', '')
const ALLOW_METHODS = prepareHeader('Access-Control-Allow-Methods', '')
const ALLOW_HEADERS = prepareHeader('Access-Control-Allow-Headers', '')
const MAX_AGE = prepareHeader('Access-Control-Max-Age', '')
const VARY = prepareHeader('Vary', '')
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/
const KEYS = [
  'origins',
  'credentials',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'maxAge',
  // The cors package's names.
  'origin',
  'optionsSuccessStatus',
  'preflightContinue',
]

export interface CorsConfig {
  origins: OriginMatcher
  /** The cors-style origin function, asked about well-formed origins the list does not allow. */
  originFunction: CorsOriginFunction | undefined
  /** Status of an allowed preflight's answer (cors's optionsSuccessStatus). */
  preflightStatus: number
  /** Allowed preflights go on to the routes (cors's preflightContinue). */
  preflightContinue: boolean
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
  const opts: CorsOptions = options === undefined || (options as unknown) === true ? {} : options
  if (typeof opts !== 'object' || opts === null) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `cors must be an options object or false; got ${JSON.stringify(opts)}.`,
    )
  }
  rejectUnknownKeys(opts, KEYS, 'cors', (m) => fail('KIT_SECURITY_INVALID_OPTION', m))
  const configured = corsOrigins(opts, env, fail)
  const setting = configured.setting
  const origins = createOriginMatcher(configured.strings, setting, fail, configured.regexps)
  const credentials =
    opts.credentials ?? envBoolean('CORS_ALLOW_CREDENTIALS', env.CORS_ALLOW_CREDENTIALS) ?? false
  if (opts.preflightContinue !== undefined && typeof opts.preflightContinue !== 'boolean') {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `cors.preflightContinue must be true or false; got ${JSON.stringify(opts.preflightContinue)}.`,
    )
  }
  if (origins.any && credentials) {
    throw new KitError(
      'KIT_SECURITY_CORS_WILDCARD_CREDENTIALS',
      `${setting} allows every origin ("*") and ${opts.credentials === undefined ? 'CORS_ALLOW_CREDENTIALS' : 'cors.credentials'} is true: every site could read your users' data. List the origins that may send cookies (https://app.example.com, https://*.example.com) or turn credentials off.`,
    )
  }
  if (production && [...origins.exact, ...origins.patterns].some((o) => o.startsWith('http://'))) {
    warnings.warn('cors-insecure-origin', `${setting} trusts a plain http:// origin in production.`)
  }
  const allowedHeaders = nameList(opts.allowedHeaders)
  const exposedHeaders = nameList(opts.exposedHeaders)
  return {
    origins,
    originFunction: configured.fn,
    preflightStatus: preflightStatus(opts.optionsSuccessStatus, fail),
    preflightContinue: opts.preflightContinue === true,
    credentials,
    methods: tokens(
      'cors.methods',
      nameList(opts.methods) ?? ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      fail,
      true,
    ),
    allowedHeaders: allowedHeaders && tokens('cors.allowedHeaders', allowedHeaders, fail, false),
    exposedHeaders: exposedHeaders?.length
      ? tokens('cors.exposedHeaders', exposedHeaders, fail, false)
      : undefined,
    maxAge: String(seconds(opts.maxAge, fail)),
    varyOrigin:
      credentials ||
      configured.fn !== undefined ||
      (!origins.any && (origins.exact.size > 0 || origins.patterns.length > 0)),
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
  const raw = io.raw(req)
  const headers = raw.headers
  const origin = headers.origin
  const target = headerTargetOf(io, res)
  // Responses differ by Origin whenever some origins are allowed and others not: tell caches.
  if (config.varyOrigin) vary(io, res, target, 'Origin')
  if (origin === undefined) return false
  const preflight = raw.method === 'OPTIONS' && headers['access-control-request-method'] !== undefined
  const allowed = config.origins.any || config.origins.matches(origin) || askFunction(config, origin, events)
  if (allowed) {
    // With any origin allowed (never with credentials: refused at start-up), the answer is '*'.
    if (config.origins.any && !config.credentials) writeHeader(io, res, target, ALLOW_ORIGIN)
    else writeHeader(io, res, target, ALLOW_ORIGIN, origin)
    if (config.credentials) writeHeader(io, res, target, ALLOW_CREDENTIALS)
    if (!preflight && config.exposedHeaders)
      writeHeader(io, res, target, EXPOSE_HEADERS, config.exposedHeaders)
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
  writeHeader(io, res, target, ALLOW_METHODS, config.methods)
  const requested = headers['access-control-request-headers']
  if (config.allowedHeaders !== undefined) writeHeader(io, res, target, ALLOW_HEADERS, config.allowedHeaders)
  else if (requested && HEADER_LIST.test(requested)) {
    writeHeader(io, res, target, ALLOW_HEADERS, requested)
    vary(io, res, target, 'Access-Control-Request-Headers')
  }
  writeHeader(io, res, target, MAX_AGE, config.maxAge)
  if (config.preflightContinue) return false
  io.send(res, config.preflightStatus, undefined)
  return true
}

/** The origin function, asked only about well-formed origins; one that does not answer at once refuses. */
function askFunction(config: CorsConfig, origin: string, events: EventLog): boolean {
  if (config.originFunction === undefined || !isSerialisedOrigin(origin)) return false
  let answer: boolean | 'async'
  try {
    answer = askOriginFunction(config.originFunction, origin)
  } catch (error) {
    events.log(
      'cors',
      { origin: origin.slice(0, 200), error: String(error).slice(0, 200) },
      'the cors origin function threw, so the origin was refused',
    )
    return false
  }
  if (answer !== 'async') return answer
  events.log(
    'cors',
    { origin: origin.slice(0, 200), code: 'KIT_SECURITY_CORS_ASYNC_ORIGIN' },
    'the cors origin function did not answer before returning (a Promise, or a callback called later), so the origin was refused; load the allowed origins at start-up and answer synchronously',
  )
  return false
}

function vary<Req, Res>(io: FrameworkIO<Req, Res>, res: Res, target: HeaderTarget, token: string): void {
  const next = mergeVary(io.getHeader(res, 'Vary'), token)
  if (next !== undefined) writeHeader(io, res, target, VARY, next)
}
