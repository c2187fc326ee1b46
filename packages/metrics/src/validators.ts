import { KitError } from '@kit/internal'

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
    const guess = closest(key, known)
    throw error(
      `Unknown ${what} "${key}".${guess ? ` Did you mean "${guess}"?` : ''} Known: ${known.join(', ')}.`,
    )
  }
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestScore = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const c = candidate.toLowerCase()
    const d = distance(lower, c)
    // Close in spelling, or sharing a long prefix ("cooldown" → "cooldownMs").
    const close = d <= Math.max(2, Math.floor(word.length / 3)) || commonPrefix(lower, c) >= 5
    if (close && d < bestScore) {
      best = candidate
      bestScore = d
    }
  }
  return best
}

function commonPrefix(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
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
