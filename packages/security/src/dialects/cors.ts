/**
 * The `cors` package's option shapes (`origin` as a string, array, RegExp,
 * function or boolean; comma-separated strings for methods and headers;
 * optionsSuccessStatus, preflightContinue) read into one form, beside kit's
 * own `origins`. Every entry still goes through kit's origin rules.
 * What cors means by each shape: docs/internals/option-dialects.md.
 */
import { envList } from '../env.ts'
import type { CorsOptions, CorsOriginFunction, SecurityEnv } from '../options.ts'

type Fail = (code: string, message: string) => never

export interface CorsOrigins {
  /** Which setting they came from, for messages: 'cors.origins', 'cors.origin' or 'ALLOWED_ORIGINS'. */
  setting: string
  /** Origins, `https://*.example.com` patterns and `*`. */
  strings: string[]
  regexps: RegExp[]
  fn: CorsOriginFunction | undefined
}

/** The configured origins, from the options (either spelling) or else ALLOWED_ORIGINS. */
export function corsOrigins(options: CorsOptions | undefined, env: SecurityEnv, fail: Fail): CorsOrigins {
  if (options?.origins !== undefined && options.origin !== undefined) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      "cors got both 'origins' and 'origin' (the cors package's name for the same setting). Keep one.",
    )
  }
  const written =
    options?.origins !== undefined ? 'origins' : options?.origin !== undefined ? 'origin' : undefined
  const out: CorsOrigins = {
    setting: written ? `cors.${written}` : 'ALLOWED_ORIGINS',
    strings: [],
    regexps: [],
    fn: undefined,
  }
  const value = written ? options![written] : env.ALLOWED_ORIGINS
  if (value === undefined || value === false) return out
  // cors reflects every origin for `true`; kit answers '*', which the credentials rule then guards.
  if (value === true) {
    out.strings.push('*')
    return out
  }
  if (typeof value === 'function') {
    out.fn = value as CorsOriginFunction
    return out
  }
  if (!Array.isArray(value) && typeof value !== 'string' && !(value instanceof RegExp)) {
    fail(
      'KIT_SECURITY_CORS_INVALID_ORIGIN',
      `${out.setting} must be an origin, a list of origins or RegExps, a function or a boolean; got ${typeof value === 'object' ? 'an object' : String(value)}.`,
    )
  }
  const entries: unknown[] =
    value instanceof RegExp
      ? [value]
      : typeof value === 'string'
        ? (envList(value) ?? [])
        : [...(value as readonly unknown[])]
  for (const entry of entries) {
    if (entry instanceof RegExp) out.regexps.push(entry)
    else if (typeof entry === 'string') out.strings.push(...(envList(entry) ?? []))
    else {
      fail(
        'KIT_SECURITY_CORS_INVALID_ORIGIN',
        `${out.setting}: ${JSON.stringify(entry)} is not an origin. Give strings such as 'https://app.example.com' or RegExps.`,
      )
    }
  }
  return out
}

/** `['GET', 'POST']` or cors's `'GET,POST'`. */
export function nameList(value: readonly string[] | string | undefined): readonly string[] | undefined {
  return typeof value === 'string' ? (envList(value) ?? []) : value
}

/** cors's optionsSuccessStatus: the status of an allowed preflight's answer. */
export function preflightStatus(value: unknown, fail: Fail): number {
  if (value === undefined) return 204
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value > 299) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `cors.optionsSuccessStatus must be a 2xx status (204, or 200 for old browsers); got ${JSON.stringify(value)}.`,
    )
  }
  return value as number
}
