import { parseBytes, parseDatabaseUrl, parseDurationMs } from '@kit/internal'
import { z } from 'zod'
import { VALUE_FREE } from './context.ts'
import { parseBoolean, parseDecimal, parseInteger, splitList } from './parsers.ts'

/**
 * zod schemas that read environment strings correctly. Use them in your own
 * schema: `{ WORKERS: int({ min: 1 }).default(2), FEATURE_X: bool().default(false) }`.
 *
 * Their messages say what was expected and never echo the value: loadEnv()
 * adds the value itself, and only for variables that are not secret.
 */
export type EnvType<T> = z.ZodType<T, string>

/** A schema from a parse function that returns undefined for bad input. */
function envValue<T>(expected: string, parse: (raw: string) => T | undefined): EnvType<T> {
  return z.string().transform((raw, ctx) => {
    const result = parse(raw)
    if (result === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}`, params: VALUE_FREE })
      return z.NEVER
    }
    return result
  })
}

/** "true"/"1"/"yes"/"on" and "false"/"0"/"no"/"off" (any case); anything else is an error, unlike z.coerce.boolean(). */
export function bool(): EnvType<boolean> {
  return envValue('true or false (also 1/0, yes/no, on/off)', parseBoolean)
}

export interface RangeOptions {
  min?: number
  max?: number
}

function rangeText(options: RangeOptions): string {
  const { min, max } = options
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`
  if (min !== undefined) return ` of at least ${min}`
  if (max !== undefined) return ` of at most ${max}`
  return ''
}

function inRange(value: number, options: RangeOptions): boolean {
  return (
    (options.min === undefined || value >= options.min) && (options.max === undefined || value <= options.max)
  )
}

/** A whole number ("42"); rejects "4.5", "1e3", "12abc". */
export function int(options: RangeOptions = {}): EnvType<number> {
  const expected = `a whole number${rangeText(options)}`
  return envValue(expected, (raw) => {
    const value = parseInteger(raw)
    return value !== undefined && inRange(value, options) ? value : undefined
  })
}

/** A decimal number ("0.25"); rejects exponents, hex, NaN and Infinity. */
export function number(options: RangeOptions = {}): EnvType<number> {
  const expected = `a number${rangeText(options)}`
  return envValue(expected, (raw) => {
    const value = parseDecimal(raw)
    return value !== undefined && inRange(value, options) ? value : undefined
  })
}

export interface DurationOptions extends RangeOptions {
  /** Unit of the result and of a bare number ("25000"). @default 'ms' */
  unit?: 'ms' | 's'
}

/**
 * A duration: "30s", "5m", "2h", "180d", "2y", "250ms", or a bare number in
 * `unit`. Resolves to a whole number of `unit` (min/max are in `unit` too).
 */
export function duration(options: DurationOptions = {}): EnvType<number> {
  const unit = options.unit ?? 'ms'
  const unitName = unit === 'ms' ? 'milliseconds' : 'seconds'
  const expected = `a duration such as 30s, 5m, 2h, 180d or a number of ${unitName}${rangeText(options)}`
  return envValue(expected, (raw) => {
    const ms = parseDurationMs(raw, unit)
    if (ms === undefined) return undefined
    const value = unit === 'ms' ? ms : ms / 1000
    if (!Number.isInteger(value)) return undefined
    return inRange(value, options) ? value : undefined
  })
}

/** A size in bytes: "10mb", "512kb", "1gb" or a bare number of bytes (1 kb = 1024 bytes). */
export function bytes(options: RangeOptions = {}): EnvType<number> {
  const expected = `a size such as 512kb, 10mb or a number of bytes${rangeText(options)}`
  return envValue(expected, (raw) => {
    const value = parseBytes(raw)
    return value !== undefined && inRange(value, options) ? value : undefined
  })
}

/**
 * A comma-separated list, trimmed, empty items dropped: "a, b,,c" → ["a", "b", "c"].
 * Each item is checked with `item` when given: `list(url({ protocols: ['https'] }))`.
 */
export function list<T = string>(item?: EnvType<T>): EnvType<T[]> {
  return z.string().transform((raw, ctx) => {
    const parts = splitList(raw)
    if (!item) return parts as T[]
    const out: T[] = []
    for (const part of parts) {
      const result = item.safeParse(part)
      if (result.success) out.push(result.data)
      else
        ctx.addIssue({
          code: 'custom',
          message: `item ${JSON.stringify(part)}: ${result.error.issues.map((i) => i.message).join('; ')}`,
        })
    }
    return out
  })
}

export interface UrlOptions {
  /** Accepted protocols, with or without the colon: ['postgres', 'postgresql']. @default any */
  protocols?: readonly string[]
  /** Require a host name (postgres://host/db, not postgres:db). @default true */
  requireHost?: boolean
}

/** An absolute URL whose protocol is one of `protocols`. Resolves to the string as given (trimmed). */
export function url(options: UrlOptions = {}): EnvType<string> {
  const protocols = (options.protocols ?? []).map((p) => (p.endsWith(':') ? p : `${p}:`).toLowerCase())
  const requireHost = options.requireHost ?? true
  const expected =
    protocols.length === 0
      ? 'an absolute URL'
      : `a URL starting with ${protocols
          .map((p) => `${p}//`)
          .join(', ')
          .replace(/, ([^,]*)$/, ' or $1')}`
  return envValue(expected, (raw) => {
    const text = raw.trim()
    let parsed: URL
    try {
      parsed = new URL(text)
    } catch {
      return undefined
    }
    if (protocols.length > 0 && !protocols.includes(parsed.protocol)) return undefined
    if (requireHost && parsed.host === '') return undefined
    return text
  })
}

/**
 * A PostgreSQL or MySQL/MariaDB URL, checked by the parser the connection
 * itself uses (@kit/internal parseDatabaseUrl, on pg-connection-string), so
 * what the schema accepts its consumer accepts: socket URLs such as
 * postgres://user@/app?host=/var/run/postgresql included.
 */
export function databaseUrl(): EnvType<string> {
  return envValue('a URL starting with postgres://, postgresql://, mysql:// or mariadb://', (raw) => {
    const text = raw.trim()
    try {
      parseDatabaseUrl(text)
      return text
    } catch {
      return undefined
    }
  })
}

export interface OneOfOptions<T extends string> {
  /** Other spellings accepted for a value: { true: 'verify', require: 'verify' }. */
  aliases?: Readonly<Record<string, T>>
}

/** One of `values`, compared case-insensitively; resolves to the canonical spelling. */
export function oneOf<const T extends string>(
  values: readonly T[],
  options: OneOfOptions<T> = {},
): EnvType<T> {
  const lookup = new Map<string, T>()
  for (const value of values) lookup.set(value.toLowerCase(), value)
  for (const [alias, value] of Object.entries(options.aliases ?? {})) lookup.set(alias.toLowerCase(), value)
  const expected = `one of ${values.join(', ')}`
  return envValue(expected, (raw) => lookup.get(raw.trim().toLowerCase()))
}
