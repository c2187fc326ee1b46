import { KitError, parseBytes, parseDurationMs } from '@kit/internal'

/**
 * Readers for the env values @kit/security uses. They take what @kit/env
 * already parsed (booleans, numbers, lists) or the raw strings of
 * process.env, so the package also works on its own.
 */
export function envBoolean(name: string, value: boolean | string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value === 'boolean') return value
  const lower = value.trim().toLowerCase()
  if (['true', '1', 'yes', 'on'].includes(lower)) return true
  if (['false', '0', 'no', 'off'].includes(lower)) return false
  throw new KitError(
    'KIT_SECURITY_INVALID_ENV',
    `${name} must be true or false; got ${JSON.stringify(value)}.`,
  )
}

/** Seconds from a number, a bare number string or a duration such as '2y' / '180d' (as @kit/env reads it). */
export function envSeconds(name: string, value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const ms = typeof value === 'number' ? value * 1000 : parseDurationMs(value, 's')
  const n = ms === undefined ? Number.NaN : ms / 1000
  if (!Number.isInteger(n) || n < 0) {
    throw new KitError(
      'KIT_SECURITY_INVALID_ENV',
      `${name} must be a whole number of seconds (63072000) or a duration (2y, 180d); got ${JSON.stringify(value)}.`,
    )
  }
  return n
}

export function envList(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') return [...value]
  const items = value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  return items
}

export function envUrl(name: string, value: string | URL | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined
  if (value instanceof URL) return value
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url
  } catch {}
  throw new KitError(
    'KIT_SECURITY_INVALID_ENV',
    `${name} must be the public URL of the app, such as https://example.com; got ${JSON.stringify(String(value))}.`,
  )
}

/** Bytes from a number or a size such as '10mb', '10m', '512 KiB' (binary units; the reader @kit/env uses too). */
export function parseSize(value: number | string, setting: string, code: string): number {
  const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseBytes(value) : undefined
  if (bytes !== undefined && Number.isSafeInteger(bytes) && bytes > 0) return bytes
  throw new KitError(
    code,
    `${setting} must be a positive size in bytes (1048576) or with a unit (10mb, 10m, 512kb); got ${JSON.stringify(value)}.`,
  )
}
