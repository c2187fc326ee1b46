/**
 * The one reader of sizes and durations written as text ("10mb", "30s"),
 * shared by @kit/env's schema and by every package that takes such values
 * directly, so what the env schema accepts its consumer accepts too.
 * Each returns undefined for text it cannot read; callers word the error.
 */

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
}

const DURATION_UNITS: Record<string, string> = {
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

const AMOUNT_AND_UNIT = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i

/**
 * A duration in milliseconds: "30s", "5m", "1.5h", "2y", "250ms". A bare
 * number is read in `bareUnit` ("25000" is 25 s when the unit is ms, 25000 s
 * when it is s). A year is 365 days.
 */
export function parseDurationMs(raw: string, bareUnit: 'ms' | 's' = 'ms'): number | undefined {
  const match = AMOUNT_AND_UNIT.exec(raw.trim())
  if (!match) return undefined
  const unitText = match[2]!.toLowerCase()
  const unit = unitText === '' ? bareUnit : DURATION_UNITS[unitText]
  if (unit === undefined) return undefined
  const ms = Number(match[1]) * MS_PER_UNIT[unit]!
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
 * A size in bytes: "10mb", "10m", "512kb", "1.5 MB", "1048576". Units are
 * binary (1 kb = 1024 bytes), as in the `bytes` package body parsers use.
 */
export function parseBytes(raw: string): number | undefined {
  const match = AMOUNT_AND_UNIT.exec(raw.trim())
  if (!match) return undefined
  const factor = BYTES_PER_UNIT[match[2]!.toLowerCase()]
  if (factor === undefined) return undefined
  const bytes = Number(match[1]) * factor
  return Number.isFinite(bytes) ? Math.floor(bytes) : undefined
}
