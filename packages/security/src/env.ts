import { KitError } from '@kit/internal'

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

export function envSeconds(name: string, value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = typeof value === 'number' ? value : Number(value.trim())
  if (!Number.isInteger(n) || n < 0) {
    throw new KitError(
      'KIT_SECURITY_INVALID_ENV',
      `${name} must be a whole number of seconds (63072000 is two years); got ${JSON.stringify(value)}.`,
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

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
}

/** Bytes from a number or a size such as '1mb' / '512 KiB' (binary units, like body-parser). */
export function parseSize(value: number | string, setting: string, code: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value > 0) return value
  } else {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(value.trim())
    const unit = UNITS[(match?.[2] ?? 'b').toLowerCase()]
    if (match && unit !== undefined) {
      const bytes = Math.floor(Number(match[1]) * unit)
      if (bytes > 0 && Number.isSafeInteger(bytes)) return bytes
    }
  }
  throw new KitError(
    code,
    `${setting} must be a positive size in bytes (1048576) or with a unit (1mb, 512kb); got ${JSON.stringify(value)}.`,
  )
}
