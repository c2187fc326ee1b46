import { closestName, KitError, parseDurationMs } from '@kit/internal'

/** Small checks shared by the option parsers; every message names the setting and the fix. */
export function path(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw invalid(`${name} must be a path starting with "/" without query string, got ${describe(value)}.`)
  }
  return value
}

/** A whole number of at least `min`; strings ("25000", "25s") are accepted only from env (`fromEnv`). */
export function duration(
  name: string,
  value: unknown,
  { min = 0, fromEnv = false }: { min?: number; fromEnv?: boolean } = {},
): number | undefined {
  if (value === undefined || (fromEnv && value === '')) return undefined
  // From env, the same text @kit/env accepts: "25000" or "25s" (one duration reader for both).
  const n = fromEnv && typeof value === 'string' ? (parseDurationMs(value) ?? value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw invalid(`${name} must be a whole number of at least ${min}, got ${describe(value)}.`)
  }
  return n
}

export function bytes(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(`${name} must be a whole number of bytes (0 turns it off), got ${describe(value)}.`)
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
  if (typeof value !== 'string') throw invalid(`${name} must be a string, got ${describe(value)}.`)
  return value
}

export function rejectUnknown(object: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue
    const guess = closestName(key, known, { sharedPrefix: 4 })
    throw invalid(
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
  return new KitError('KIT_HEALTH_INVALID_OPTION', message)
}
