/**
 * Pure string parsers behind the zod helpers. Each returns `undefined` for a
 * value it cannot read, so callers decide how to report it. Environment
 * values are always strings: these rules say what those strings mean.
 */

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'off'])

/** "true"/"1"/"yes"/"on" → true, "false"/"0"/"no"/"off" → false (any case), anything else → undefined. */
export function parseBoolean(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase()
  if (TRUE_WORDS.has(word)) return true
  if (FALSE_WORDS.has(word)) return false
  return undefined
}

/** A plain decimal integer ("42", "-3", "+7"); rejects "1e3", "0x10", "4.0", "12abc". */
export function parseInteger(raw: string): number | undefined {
  const text = raw.trim()
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : undefined
}

/** A plain decimal number ("0.25", "1", ".5"); rejects exponents, hex, NaN and Infinity. */
export function parseDecimal(raw: string): number | undefined {
  const text = raw.trim()
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
}

const UNIT_ALIASES: Record<string, string> = {
  ms: 'ms',
  msec: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  week: 'w',
  weeks: 'w',
  y: 'y',
  yr: 'y',
  year: 'y',
  years: 'y',
}

/**
 * A duration in milliseconds: "30s", "5m", "1.5h", "2y", "250ms". A bare
 * number is read in `bareUnit` ("25000" is 25 s when the unit is ms, 25000 s
 * when it is s). A year is 365 days.
 */
export function parseDurationMs(raw: string, bareUnit: 'ms' | 's' = 'ms'): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(raw.trim())
  if (!match) return undefined
  const amount = Number(match[1])
  const unitText = match[2]!.toLowerCase()
  const unit = unitText === '' ? bareUnit : UNIT_ALIASES[unitText]
  if (unit === undefined) return undefined
  const ms = amount * MS_PER_UNIT[unit]!
  return Number.isFinite(ms) ? ms : undefined
}

const BYTES_PER_UNIT: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  k: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  g: 1024 ** 3,
}

/**
 * A size in bytes: "10mb", "512kb", "1.5 MB", "1048576". Units are binary
 * (1 kb = 1024 bytes), as in the `bytes` package body parsers use.
 */
export function parseBytes(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(raw.trim())
  if (!match) return undefined
  const factor = BYTES_PER_UNIT[match[2]!.toLowerCase()]
  if (factor === undefined) return undefined
  const bytes = Number(match[1]) * factor
  return Number.isFinite(bytes) ? Math.floor(bytes) : undefined
}

/** Splits on commas, trims each item and drops empty ones: " a, b,,c " → ["a", "b", "c"]. */
export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}
