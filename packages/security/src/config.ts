import { createDebug, KitError, silentLogger } from '@kit/internal'
import { type BodyLimitConfig, parseBodyLimit } from './body-limit.ts'
import { type CorsConfig, parseCors } from './cors.ts'
import { type CspConfig, parseCsp } from './csp/policy.ts'
import { type CsrfConfig, parseCsrf } from './csrf.ts'
import { corsOrigins } from './dialects/cors.ts'
import { fromHelmetOptions, HELMET_OPTION_NAMES } from './dialects/helmet.ts'
import { envBoolean, envUrl } from './env.ts'
import { buildStaticHeaders, type Header } from './headers.ts'
import { type HostsConfig, type HttpsConfig, parseHosts } from './hosts.ts'
import { buildHsts } from './hsts.ts'
import { createWarnings, silencedWarnings, type Warnings } from './log.ts'
import type { SecurityContext, SecurityEnv, SecurityOptions } from './options.ts'
import { createOriginMatcher } from './origins.ts'
import { rejectUnknownKeys } from './suggest.ts'

const debug = createDebug('security')

const OPTION_KEYS = [
  'production',
  'csp',
  'hsts',
  'forceHttps',
  'httpsPort',
  'hosts',
  'cors',
  'csrf',
  'bodyLimit',
  'referrerPolicy',
  'permissionsPolicy',
  'frameOptions',
  'crossOriginOpenerPolicy',
  'crossOriginResourcePolicy',
  'crossOriginEmbedderPolicy',
  'originAgentCluster',
  'legacyHeaders',
  'silenceWarnings',
  'ignoreWarnings',
]

/** Everything resolved once at creation; the per-request code only reads it. */
export interface SecurityConfig {
  production: boolean
  hosts: HostsConfig
  https: HttpsConfig
  /** Strict-Transport-Security value for HTTPS responses. */
  hsts: string | undefined
  csp: CspConfig | undefined
  /** Headers every response gets, in order (CSP and HSTS excepted). */
  staticHeaders: readonly Header[]
  cors: CorsConfig | undefined
  csrf: CsrfConfig | undefined
  bodyLimit: BodyLimitConfig | undefined
}

const fail = (code: string, message: string): never => {
  throw new KitError(code, message)
}

export function resolveConfig(
  given: SecurityOptions,
  context: SecurityContext,
): { config: SecurityConfig; warnings: Warnings } {
  if (typeof given !== 'object' || given === null) {
    fail('KIT_SECURITY_INVALID_OPTION', `createSecurity() takes an options object; got ${String(given)}.`)
  }
  rejectUnknownKeys(given, [...OPTION_KEYS, ...HELMET_OPTION_NAMES], 'createSecurity()', (m) =>
    fail('KIT_SECURITY_INVALID_OPTION', m),
  )
  const options = fromHelmetOptions(given, fail)
  const env: SecurityEnv = context.env ?? (process.env as SecurityEnv)
  const log = context.log ?? silentLogger
  const warnings = createWarnings(log, silencedWarnings(options, log))
  const production = options.production ?? env.NODE_ENV === 'production'
  const appUrl = envUrl('APP_URL', env.APP_URL)

  const hsts = buildHsts(options.hsts, env, production, fail)
  const forceHttps = options.forceHttps ?? envBoolean('FORCE_HTTPS', env.FORCE_HTTPS) ?? production
  if (production && !forceHttps) {
    warnings.warn(
      'https-redirect-off',
      'FORCE_HTTPS is off in production: make sure your proxy redirects HTTP to HTTPS.',
    )
  }
  // The redirect goes to APP_URL's port when it names one (https://host:8443), unless httpsPort says otherwise.
  const port = options.httpsPort ?? appUrlHttpsPort(appUrl)
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    fail('KIT_SECURITY_INVALID_OPTION', `httpsPort must be a port number (1-65535); got ${String(port)}.`)
  }
  const hosts = parseHosts(options.hosts, appUrl, production, fail)
  if (production && options.hosts !== false && hosts.allowed === undefined) {
    warnings.warn(
      'hosts-unchecked',
      'no allowed hosts in production (set APP_URL or hosts.allowed): any Host header is served (DNS rebinding).',
    )
  }

  const csp = parseCsp(options.csp, production, warnings, fail)
  const cors = parseCors(options.cors, env, production, warnings, fail)
  // CSRF trusts the allowlist's real origins (never '*') and the app's own public origin.
  // Only written origins and patterns: a RegExp or function answers CORS, never CSRF.
  const corsList = corsOrigins(options.cors || undefined, env, fail).strings
  const trusted = createOriginMatcher(
    [...corsList.filter((o) => o.trim() !== '*'), ...(appUrl ? [appUrl.origin] : [])],
    'ALLOWED_ORIGINS',
    fail,
  )
  const config: SecurityConfig = {
    production,
    hosts,
    https: { force: forceHttps, portSuffix: port === undefined || port === 443 ? '' : `:${port}`, hsts },
    hsts,
    csp,
    staticHeaders: buildStaticHeaders(options, csp, warnings, fail),
    cors,
    csrf: parseCsrf(options.csrf, trusted, fail),
    bodyLimit: parseBodyLimit(options.bodyLimit, env, fail),
  }
  if (debug.enabled) debug('resolved %o', describe(config))
  return { config, warnings }
}

function describe(config: SecurityConfig): Record<string, unknown> {
  return {
    production: config.production,
    forceHttps: config.https.force,
    allowedHosts: config.hosts.allowed?.names ?? 'any',
    canonicalHost: config.hosts.canonical ?? false,
    hsts: config.hsts ?? false,
    csp: config.csp ? config.csp.parts.join('<nonce>') : false,
    headers: Object.fromEntries(config.staticHeaders),
    corsOrigins: config.cors ? [...config.cors.origins.exact, ...config.cors.origins.patterns] : false,
    corsCredentials: config.cors?.credentials ?? false,
    csrf: config.csrf !== undefined,
    bodyLimit: config.bodyLimit?.limit ?? false,
  }
}

function appUrlHttpsPort(appUrl: URL | undefined): number | undefined {
  return appUrl?.protocol === 'https:' && appUrl.port !== '' ? Number(appUrl.port) : undefined
}
