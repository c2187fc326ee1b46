import { closestName, KitError } from '@kit/internal'

/** Small checks shared by the option parsers; every message names the setting, the bad value and the fix. */

/** A whole number of milliseconds of at least `min`; digit strings are accepted from env (`fromEnv`). */
export function wholeNumber(
  name: string,
  value: unknown,
  {
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
    fromEnv = false,
  }: { min?: number; max?: number; fromEnv?: boolean } = {},
): number | undefined {
  if (value === undefined || (fromEnv && value === '')) return undefined
  const n = fromEnv && typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`
    throw invalid(`${name} must be a whole number ${range}, got ${describe(value)}.`)
  }
  return n
}

/** A finite number in [min, max]. */
export function numberIn(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`${name} must be a number from ${min} to ${max}, got ${describe(value)}.`)
  }
  return value
}

export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false, got ${describe(value)}.`)
  return value
}

export function text(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`${name} must be a non-empty string, got ${describe(value)}.`)
  }
  return value
}

export function path(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw invalid(`${name} must be a path starting with "/" without query string, got ${describe(value)}.`)
  }
  return value
}

export function plainObject(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${name} must be an object, got ${describe(value)}.`)
  }
  return value as Record<string, unknown>
}

export function rejectUnknown(
  object: object,
  known: readonly string[],
  what: string,
  error: (message: string) => KitError = invalid,
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue
    const guess = closestName(key, known, { sharedPrefix: 5 })
    throw error(
      `Unknown ${what} "${key}".${guess ? ` Did you mean "${guess}"?` : ''} Known: ${known.join(', ')}.`,
    )
  }
}

/** Describes a bad value without echoing long strings (which could be secrets). */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : `"${value}"`
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

export function invalid(message: string): KitError {
  return new KitError('KIT_METRICS_INVALID_OPTION', message)
}

export function invalidRule(message: string): KitError {
  return new KitError('KIT_METRICS_INVALID_RULE', message)
}
