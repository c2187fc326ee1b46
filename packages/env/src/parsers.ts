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

/** Splits on commas, trims each item and drops empty ones: " a, b,,c " → ["a", "b", "c"]. */
export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}
