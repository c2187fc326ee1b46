import { KitError } from '@kit/internal'
import { envSeconds } from './env.ts'
import type { HstsOptions, SecurityEnv } from './options.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never

export const DEFAULT_HSTS_MAX_AGE = 63_072_000 // two years: hstspreload.org's recommendation
/** Below this, scanners grade HSTS as failed ("six months", Observatory's 15552000). */
export const MIN_PRODUCTION_HSTS_MAX_AGE = 15_552_000
const ONE_YEAR = 31_536_000

/** The Strict-Transport-Security value, or undefined when HSTS is off. */
export function buildHsts(
  options: HstsOptions | false | undefined,
  env: SecurityEnv,
  production: boolean,
  fail: Fail,
): string | undefined {
  if (options === false) return undefined
  const opts = options ?? {}
  rejectUnknownKeys(opts, ['maxAge', 'includeSubDomains', 'preload'], 'hsts', (m) =>
    fail('KIT_SECURITY_INVALID_OPTION', m),
  )
  const fromEnv = opts.maxAge === undefined ? envSeconds('HSTS_MAX_AGE', env.HSTS_MAX_AGE) : undefined
  const maxAge = opts.maxAge ?? fromEnv ?? DEFAULT_HSTS_MAX_AGE
  const setting = opts.maxAge !== undefined ? 'hsts.maxAge' : 'HSTS_MAX_AGE'
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    fail(
      'KIT_SECURITY_INVALID_OPTION',
      `hsts.maxAge must be a whole number of seconds; got ${String(maxAge)}.`,
    )
  }
  if (production && maxAge < MIN_PRODUCTION_HSTS_MAX_AGE) {
    throw new KitError(
      'KIT_SECURITY_HSTS_TOO_SHORT',
      `${setting} is ${maxAge} seconds in production; scanners require at least ${MIN_PRODUCTION_HSTS_MAX_AGE} (six months). Use ${DEFAULT_HSTS_MAX_AGE} (two years), or hsts: false if your proxy sends HSTS.`,
    )
  }
  const includeSubDomains = opts.includeSubDomains !== false
  if (opts.preload === true && (maxAge < ONE_YEAR || !includeSubDomains)) {
    throw new KitError(
      'KIT_SECURITY_HSTS_TOO_SHORT',
      `hsts.preload needs ${setting} ≥ ${ONE_YEAR} (one year) and includeSubDomains (hstspreload.org); got max-age=${maxAge}${includeSubDomains ? '' : ' without includeSubDomains'}.`,
    )
  }
  return `max-age=${maxAge}${includeSubDomains ? '; includeSubDomains' : ''}${opts.preload === true ? '; preload' : ''}`
}
