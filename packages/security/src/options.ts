import type { IncomingMessage } from 'node:http'
import type { KitLogger, SkipRequest } from '@kit/internal'
import type { CspDirectives } from './csp/directive-names.ts'

export interface CspOptions extends CspDirectives {
  /**
   * Directives merged over the defaults, one directive at a time (the same
   * keys may also be given at the top level of `csp`, as in kit.config).
   * @default {}
   */
  directives?: CspDirectives
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

export interface CorsOptions {
  /** Origins (`https://app.example.com`), patterns (`https://*.example.com`) or `*`. @default ALLOWED_ORIGINS, else none */
  origins?: readonly string[] | string
  /** Send `Access-Control-Allow-Credentials: true` (cookies). @default CORS_ALLOW_CREDENTIALS, else false */
  credentials?: boolean
  /** @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] */
  methods?: readonly string[]
  /** Request headers a preflight may ask for; `undefined` echoes the requested ones (for allowed origins only). @default undefined */
  allowedHeaders?: readonly string[]
  /** Response headers scripts may read. @default [] */
  exposedHeaders?: readonly string[]
  /** Seconds browsers may cache a preflight. @default 600 */
  maxAge?: number
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

/** Feature → allowlist: `[]` denies (`()`), `['self', 'https://maps.example']`, `['*']`; `false` drops a default entry. */
export type PermissionsPolicyOptions = Readonly<Record<string, readonly string[] | false>>

export interface SecurityOptions {
  /** Production behaviour (HTTPS redirect, upgrade-insecure-requests, host checks, strict HSTS validation). @default NODE_ENV === 'production' */
  production?: boolean
  /** Content-Security-Policy; `false` sends none. @default kit's strict policy with nonces */
  csp?: CspOptions | false
  /** Strict-Transport-Security, sent on HTTPS responses only; `false` sends none. @default two years + includeSubDomains */
  hsts?: HstsOptions | false
  /** Redirect plain HTTP to HTTPS (301 GET/HEAD, 308 others). @default FORCE_HTTPS, else on in production */
  forceHttps?: boolean
  /** Port for redirects to HTTPS (omit for 443). @default undefined */
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
  referrerPolicy?: ReferrerPolicyToken | readonly ReferrerPolicyToken[] | false
  /** Merged over kit's deny-by-default list; `false` sends no Permissions-Policy. */
  permissionsPolicy?: PermissionsPolicyOptions | false
  /** @default 'DENY' when frame-ancestors is 'none', 'SAMEORIGIN' when it is 'self', else not sent */
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false
  /** @default 'same-origin' */
  crossOriginOpenerPolicy?:
    | 'same-origin'
    | 'same-origin-allow-popups'
    | 'noopener-allow-popups'
    | 'unsafe-none'
    | false
  /** @default 'same-origin' */
  crossOriginResourcePolicy?: 'same-origin' | 'same-site' | 'cross-origin' | false
  /** Off by default: it breaks third-party embeds. @default false */
  crossOriginEmbedderPolicy?: 'require-corp' | 'credentialless' | 'unsafe-none' | false
  /** `Origin-Agent-Cluster: ?1`. @default true */
  originAgentCluster?: boolean
  /** The X- headers helmet also sends (X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection: 0). @default true */
  legacyHeaders?: boolean
  /** Warning ids (see docs/security.md) not to log at start-up. @default [] */
  ignoreWarnings?: readonly string[]
}

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
}
