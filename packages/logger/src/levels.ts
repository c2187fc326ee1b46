import { KitError } from '@kit/internal'

export const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LEVELS)[number]

/**
 * Accepts a pino level name in any case ('INFO', ' debug '), or one of the
 * app's `customLevels` (exact name); throws with the list otherwise.
 */
export function parseLevel(value: unknown, setting: string, customLevels: readonly string[] = []): string {
  if (typeof value === 'string' && customLevels.includes(value.trim())) return value.trim()
  const level = typeof value === 'string' ? value.trim().toLowerCase() : value
  if ((LEVELS as readonly unknown[]).includes(level)) return level as LogLevel
  const shown = typeof value === 'string' ? `"${value}"` : String(value)
  const known = [...LEVELS, ...customLevels.filter((name) => !(LEVELS as readonly string[]).includes(name))]
  throw new KitError(
    'KIT_LOGGER_INVALID_LEVEL',
    `${setting} is ${shown}, which is not a log level. Use one of ${known.join(', ')}.`,
  )
}
