import type { IncomingMessage } from 'node:http'
import type { KitLogger, SkipRequest } from '@kit/internal'
import type { CspDirectives, CspDirectivesCamelCase } from './csp/directive-names.ts'
import type { SecurityWarning } from './log.ts'

export interface CspOptions extends CspDirectives, CspDirectivesCamelCase {
  /**
   * Directives merged over the defaults, one directive at a time (the same
   * keys may also be given at the top level of `csp`, as in kit.config).
   * Kebab-case (`default-src`) or helmet's camelCase (`defaultSrc`).
   * @default {}
   */
  directives?: CspDirectives & CspDirectivesCamelCase
  /** Start from kit's strict defaults (`default-src 'none'` plus explicit directives). @default true */
  useDefaults?: boolean
  /** Send `Content-Security-Policy-Report-Only` instead of enforcing, for a rollout. @default false */
  reportOnly?: boolean
  /** Add a per-request nonce to `script-src` and `style-src` (res.locals.cspNonce / reply.cspNonce). @default true */
  nonce?: boolean
  /**
   * Path of the built-in violation report endpoint, sent as `report-uri` and
   * as the `csp-endpoint` of `report-to`; `false` sends no report directives.
   * @default '/_kit/csp-report'
   */
  reportPath?: string | false
  /** Largest report body accepted, in bytes. @default 65536 */
  reportMaxBytes?: number
  /** At most this many violations are logged per minute (the rest are counted). @default 30 */
  reportLogsPerMinute?: number
}

export interface HstsOptions {
  /** Seconds. @default HSTS_MAX_AGE, else 63072000 (two years) */
  maxAge?: number
  /** @default true */
  includeSubDomains?: boolean
  /** Opt in to the browsers' preload list (needs maxAge ≥ 1 year and includeSubDomains). @default false */
  preload?: boolean
}

export interface HostOptions {
  /**
   * Host names that may be served (`example.com`, `*.example.com`); other
   * `Host` headers get 421 (DNS-rebinding defence). `[]` turns the check off.
   * @default in production the host of APP_URL; otherwise no check
   */
  allowed?: readonly string[]
  /**
   * The host every alias redirects to, and whether to redirect: its `www.`
   * twin (or the apex, for a `www.` canonical host) is redirected here.
   * @default in production the host of APP_URL (with its port); otherwise false
   */
  canonical?: string | false
  /** Extra host names redirected to the canonical host. @default the www./apex twin of `canonical` */
  aliases?: readonly string[]
}

/**
 * The `cors` package's origin function: it is called only with well-formed
 * origins (never `null` or a malformed one) and must answer synchronously,
 * by returning a boolean or calling `callback(null, allow)` before it returns.
 */
export type CorsOriginFunction = (
  origin: string,
  callback: (error: Error | null, allow?: unknown) => void,
) => unknown

/**
 * Which origins may call: an origin (`https://app.example.com`), a pattern
 * (`https://*.example.com`), `*`, a comma-separated string of them, a RegExp
 * (anchored, checked against look-alike origins at start-up), an array of
 * those, a function, `true` (every origin, as `*`) or `false` (none).
 */
export type CorsOrigin = string | RegExp | readonly (string | RegExp)[] | CorsOriginFunction | boolean

export interface CorsOptions {
  /** @default ALLOWED_ORIGINS, else none */
  origins?: CorsOrigin
  /** The `cors` package's name for `origins`; give one of the two. */
  origin?: CorsOrigin
  /** Send `Access-Control-Allow-Credentials: true` (cookies). @default CORS_ALLOW_CREDENTIALS, else false */
  credentials?: boolean
  /** An array or a comma-separated string. @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] */
  methods?: readonly string[] | string
  /** Request headers a preflight may ask for; `undefined` echoes the requested ones (for allowed origins only). @default undefined */
  allowedHeaders?: readonly string[] | string
  /** Response headers scripts may read. @default [] */
  exposedHeaders?: readonly string[] | string
  /** Seconds browsers may cache a preflight. @default 600 */
  maxAge?: number
  /** Status of an allowed preflight's answer, 200-299 (200 for old browsers that choke on 204). @default 204 */
  optionsSuccessStatus?: number
  /** Let an allowed preflight go on to your routes (with its CORS headers set) instead of answering it. Refused ones still get 403. @default false */
  preflightContinue?: boolean
}

/** A path (`/webhooks/stripe`), a prefix ending in `*` (`/webhooks/*`), or a predicate. */
export type RouteMatcher = string | ((req: IncomingMessage) => boolean)

export interface CsrfOptions {
  /** Routes that never get the check (webhooks). @default [] */
  exempt?: readonly RouteMatcher[]
  /** Only check requests that carry a Cookie header (no cookies, no ambient authority to abuse). @default true */
  onlyWithCookies?: boolean
}

export interface BodyLimitOptions {
  /** Largest request body in bytes (or `'1mb'`, `'512kb'`). @default MAX_UPLOAD_SIZE, else 1 MiB */
  limit?: number | string
  /**
   * Largest multipart/form-data request (bytes or `'50mb'`), checked by
   * Content-Length. Without it kit leaves multipart bodies to the app's own
   * multipart parser and its limits (multer `limits`, @fastify/multipart
   * `limits.fileSize`, which defaults to Fastify's `bodyLimit`), instead of
   * refusing an upload over MAX_UPLOAD_SIZE before that parser can answer.
   * @default undefined (the multipart parser's limits apply)
   */
  multipart?: number | string
  /** Routes whose bodies kit neither limits nor parses (they parse their own, e.g. large uploads or raw webhooks). @default [] */
  exempt?: readonly RouteMatcher[]
}

export type ReferrerPolicyToken =
  | 'no-referrer'
  | 'no-referrer-when-downgrade'
  | 'same-origin'
  | 'origin'
  | 'strict-origin'
  | 'origin-when-cross-origin'
  | 'strict-origin-when-cross-origin'
  | 'unsafe-url'

export type OpenerPolicy =
  | 'same-origin'
  | 'same-origin-allow-popups'
  | 'noopener-allow-popups'
  | 'unsafe-none'
export type ResourcePolicy = 'same-origin' | 'same-site' | 'cross-origin'
export type EmbedderPolicy = 'require-corp' | 'credentialless' | 'unsafe-none'

/** Feature → allowlist: `[]` denies (`()`), `['self', 'https://maps.example']`, `['*']`; `false` drops a default entry. */
export type PermissionsPolicyOptions = Readonly<Record<string, readonly string[] | false>>

export interface SecurityOptions extends HelmetOptionNames {
  /** Production behaviour (HTTPS redirect, upgrade-insecure-requests, host checks, strict HSTS validation). @default NODE_ENV === 'production' */
  production?: boolean
  /** Content-Security-Policy; `false` sends none, `true` kit's policy. @default kit's strict policy with nonces */
  csp?: CspOptions | boolean
  /** Strict-Transport-Security, sent on HTTPS responses only; `false` sends none. @default two years + includeSubDomains */
  hsts?: HstsOptions | boolean
  /** Redirect plain HTTP to HTTPS (301 GET/HEAD, 308 others). @default FORCE_HTTPS, else on in production */
  forceHttps?: boolean
  /** Port for redirects to HTTPS (omit for 443). @default APP_URL's port when APP_URL is https:// with one, else 443 */
  httpsPort?: number
  /** Allowed hosts and canonical host redirect; `false` turns both off. */
  hosts?: HostOptions | false
  /** CORS from an allowlist; `false` turns the step off (preflights then reach your routes). */
  cors?: CorsOptions | false
  /** CSRF defence by Fetch Metadata and Origin; `false` turns it off. */
  csrf?: CsrfOptions | false
  /** Request body limit and parsers; `false` turns the step off. */
  bodyLimit?: BodyLimitOptions | number | string | false
  /** @default 'strict-origin-when-cross-origin' */
  referrerPolicy?:
    | ReferrerPolicyToken
    | readonly ReferrerPolicyToken[]
    | PolicyObject<ReferrerPolicyToken>
    | { policy?: readonly ReferrerPolicyToken[] }
    | boolean
  /** Merged over kit's deny-by-default list; `false` sends no Permissions-Policy. */
  permissionsPolicy?: PermissionsPolicyOptions | false
  /** @default 'DENY' when frame-ancestors is 'none', 'SAMEORIGIN' when it is 'self', else not sent */
  frameOptions?: FrameOptionsValue
  /** @default 'same-origin' */
  crossOriginOpenerPolicy?: OpenerPolicy | PolicyObject<OpenerPolicy> | boolean
  /** @default 'same-origin' */
  crossOriginResourcePolicy?: ResourcePolicy | PolicyObject<ResourcePolicy> | boolean
  /** Off by default: it breaks third-party embeds. `true` is 'require-corp', as in helmet. @default false */
  crossOriginEmbedderPolicy?: EmbedderPolicy | PolicyObject<EmbedderPolicy> | boolean
  /** `Origin-Agent-Cluster: ?1`. @default true */
  originAgentCluster?: boolean
  /** The X- headers helmet also sends (X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection: 0); `false` drops all four, an object each one. @default true */
  legacyHeaders?: boolean | LegacyHeaderOptions
  /** Start-up warnings not to log, by id (docs/security.md, "Start-up warnings"); the same option name as kit.config's. @default [] */
  silenceWarnings?: readonly SecurityWarning[]
  /** @deprecated Renamed `silenceWarnings` (one name across kit); still honoured, with a warning that says so. */
  ignoreWarnings?: readonly string[]
}

/** Each legacy X- header: `false` leaves it out; helmet's value objects are taken too. @default all true */
export interface LegacyHeaderOptions {
  /** `X-DNS-Prefetch-Control: off` (`{ allow: true }` sends on). */
  dnsPrefetchControl?: boolean | { allow?: boolean }
  /** `X-Download-Options: noopen`. */
  downloadOptions?: boolean
  /** `X-Permitted-Cross-Domain-Policies: none`. */
  permittedCrossDomainPolicies?:
    | boolean
    | { permittedPolicies?: 'none' | 'master-only' | 'by-content-type' | 'all' }
  /** `X-XSS-Protection: 0`. */
  xssProtection?: boolean
}

/** helmet's value objects, taken where kit's option means the same header. */
export interface PolicyObject<T extends string> {
  policy?: T
}

/**
 * helmet's names for the same headers, so an existing `helmet({...})` call's
 * options can be passed as they are (docs/migrating.md). Give each setting
 * once, under either name.
 */
export interface HelmetOptionNames {
  /** helmet's name for `csp`; `true` means kit's policy. */
  contentSecurityPolicy?: CspOptions | boolean
  /** helmet's name for `hsts`. */
  strictTransportSecurity?: HstsOptions | boolean
  /** helmet's name for `frameOptions`. */
  frameguard?: FrameOptionsValue
  /** helmet 7's name for `frameOptions`. */
  xFrameOptions?: FrameOptionsValue
  xDnsPrefetchControl?: LegacyHeaderOptions['dnsPrefetchControl']
  dnsPrefetchControl?: LegacyHeaderOptions['dnsPrefetchControl']
  xDownloadOptions?: boolean
  ieNoOpen?: boolean
  xPermittedCrossDomainPolicies?: LegacyHeaderOptions['permittedCrossDomainPolicies']
  permittedCrossDomainPolicies?: LegacyHeaderOptions['permittedCrossDomainPolicies']
  xXssProtection?: boolean
  xssFilter?: boolean
  /** Kit always sends `nosniff`: only `true` is taken. */
  xContentTypeOptions?: true
  noSniff?: true
  /** Kit always removes X-Powered-By: only `true` is taken. */
  xPoweredBy?: true
  hidePoweredBy?: true
}

export type FrameOptionsValue =
  | 'DENY'
  | 'SAMEORIGIN'
  | boolean
  | { action?: 'deny' | 'sameorigin' | 'DENY' | 'SAMEORIGIN' }

/** The part of the parsed env @kit/security reads (raw strings from process.env work too). */
export interface SecurityEnv {
  NODE_ENV?: string | undefined
  APP_URL?: string | URL | undefined
  ALLOWED_ORIGINS?: string | readonly string[] | undefined
  CORS_ALLOW_CREDENTIALS?: boolean | string | undefined
  FORCE_HTTPS?: boolean | string | undefined
  HSTS_MAX_AGE?: number | string | undefined
  MAX_UPLOAD_SIZE?: number | string | undefined
}

export interface SecurityContext {
  /** @default process.env */
  env?: SecurityEnv
  log?: KitLogger
  /** Requests that bypass every security step (health routes). */
  skip?: SkipRequest
  /**
   * Body refusals (413, malformed JSON, unsupported charset) go to the
   * framework's error handling as the framework's own parser errors would
   * (body-parser's `status`/`type`/`expose` on Express, FST_ERR_CTP_BODY_TOO_LARGE
   * on Fastify), so an app's error handler renders them; kit's error handler
   * (@kit/core) renders kit's refusal. Off: the steps answer them themselves.
   * @default false
   */
  passBodyErrors?: boolean
}
