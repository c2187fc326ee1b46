import { KitError } from '@kit/internal'
import type { RateLimitEnv } from '../options.ts'

/** The built-in tiers and where their defaults come from (DESIGN §3). */
export const BUILT_IN_TIERS: Readonly<Record<string, { env?: keyof RateLimitEnv; perMinute: number }>> = {
  global: { env: 'RATE_LIMIT_PER_MINUTE', perMinute: 100 },
  auth: { env: 'AUTH_RATE_LIMIT_PER_MINUTE', perMinute: 5 },
  ai: { env: 'AI_RATE_LIMIT_PER_MINUTE', perMinute: 20 },
  // Browser reports (CSP violations): one page load can send a few; a flood is someone else.
  reports: { perMinute: 30 },
}

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

/** RATE_LIMIT_ENABLED as a boolean, or undefined when unset. Accepts parsed values and raw strings. */
export function envEnabled(env: RateLimitEnv): boolean | undefined {
  const value = env.RATE_LIMIT_ENABLED
  if (value === undefined || value === '') return undefined
  if (typeof value === 'boolean') return value
  const text = String(value).trim().toLowerCase()
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  throw new KitError(
    'KIT_RATE_LIMIT_INVALID_ENV',
    `RATE_LIMIT_ENABLED must be true or false; got ${JSON.stringify(String(value).slice(0, 20))}. Set RATE_LIMIT_ENABLED=false to turn rate limiting off, or remove it.`,
  )
}

/** A *_PER_MINUTE variable as a positive integer, or undefined when unset. */
export function envPerMinute(env: RateLimitEnv, name: keyof RateLimitEnv): number | undefined {
  const value = env[name]
  if (value === undefined || value === '') return undefined
  const number = typeof value === 'number' ? value : Number(String(value).trim())
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_ENV',
      `${name} must be a whole number of requests per minute (1 or more); got ${JSON.stringify(String(value).slice(0, 20))}.`,
    )
  }
  return number
}
