export { DEFAULT_BODY_LIMIT, MAX_FORM_FIELDS } from './body-limit.ts'
export type { SecurityConfig } from './config.ts'
export { cookieName, type SecureCookieOptions, secureCookie } from './cookie.ts'
export type { CorsConfig } from './cors.ts'
export {
  CSP_DIRECTIVE_NAMES,
  type CspDirectiveName,
  type CspDirectives,
  type CspSources,
} from './csp/directive-names.ts'
export { type CspConfig, DEFAULT_REPORT_PATH, REPORT_GROUP } from './csp/policy.ts'
export type { CspViolation } from './csp/report-parser.ts'
export type { CsrfConfig } from './csrf.ts'
export { errors } from './errors.ts'
// Express's res.locals.cspNonce (global Express namespace: compiles without Express installed).
export type {} from './express-locals.ts'
export type { Header } from './headers.ts'
export type { HostsConfig, HttpsConfig } from './hosts.ts'
export { DEFAULT_HSTS_MAX_AGE, MIN_PRODUCTION_HSTS_MAX_AGE } from './hsts.ts'
export { type FormTextOptions, formText, readCookie } from './input.ts'
export { type FrameworkIO, mergeVary } from './io.ts'
export type { SecurityWarning } from './log.ts'
export type {
  BodyLimitOptions,
  CorsOptions,
  CspOptions,
  CsrfOptions,
  HostOptions,
  HstsOptions,
  PermissionsPolicyOptions,
  ReferrerPolicyToken,
  RouteMatcher,
  SecurityContext,
  SecurityEnv,
  SecurityOptions,
} from './options.ts'
export type { OriginMatcher } from './origins.ts'
export { DEFAULT_DENIED_FEATURES } from './permissions-policy.ts'
export {
  createSecurity,
  isSecurity,
  SECURITY_STEPS,
  type Security,
  type SecurityStep,
  type SecuritySteps,
} from './security.ts'
