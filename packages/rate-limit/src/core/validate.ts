import { didYouMean, KitError } from '@kit/internal'

/** ` Did you mean `x`?` for a candidate within two edits of `input`, else ''. */
export function hint(input: string, candidates: Iterable<string>): string {
  return didYouMean(input, candidates, { maxDistance: 2, quote: '`' })
}

/** Throws on keys the option object does not define (typos would otherwise be ignored silently). */
export function assertKnownKeys(value: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new KitError(
        'KIT_RATE_LIMIT_UNKNOWN_OPTION',
        `Unknown option \`${where}${key}\`.${hint(key, known)} Known options: ${known.join(', ')}.`,
      )
    }
  }
}

export function assertObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`${name}\` must be an object; got ${describe(value)}.`,
    )
  }
}

export function positiveInteger(value: unknown, name: string, fix: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`${name}\` must be a whole number of 1 or more; got ${describe(value)}. ${fix}`,
    )
  }
  return value
}

export function duration(value: unknown, name: string, minMs: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minMs || value > 2 ** 31 - 1) {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`${name}\` must be a whole number of milliseconds between ${minMs} and ${2 ** 31 - 1}; got ${describe(value)}.`,
    )
  }
  return value
}

export function optionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') {
    throw new KitError(
      'KIT_RATE_LIMIT_INVALID_OPTION',
      `\`${name}\` must be a function; got ${describe(value)}.`,
    )
  }
  return value as T
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'function') return 'a function'
  return String(value)
}
