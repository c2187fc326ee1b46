import { didYouMean, KitError } from '@kit/internal'
import { DEFAULT_FLAGS_FILE } from './sources/file.ts'

export interface FlagsOptions {
  /** The JSON file of flag states, relative to the app root; `false` reads none. A missing default file is fine. @default 'flags.json' */
  file?: string | false
  /**
   * How other instances learn of a change: `'auto'` uses Postgres LISTEN/NOTIFY
   * (a Postgres server, not PGlite) and Redis pub/sub (when a Redis client is
   * given), both when both exist; `'poll'` relies on polling alone.
   * @default 'auto'
   */
  invalidation?: 'auto' | 'postgres' | 'redis' | 'poll'
  /** The database is re-read this often, in case a notification was lost. @default 30000 with LISTEN/NOTIFY or Redis, 5000 with polling alone */
  pollIntervalMs?: number
  /** Postgres NOTIFY channel and Redis pub/sub channel. @default 'kit_feature_flags' */
  channel?: string
  /** start() waits this long for the database, then serves code, file and env values while it keeps trying. @default 5000 */
  startTimeoutMs?: number
  /** While the database or a notification channel stays unreachable, its failure is logged at most once per this interval. @default 60000 */
  outageLogIntervalMs?: number
}

export interface FlagsConfig {
  file: string | false
  fileExplicit: boolean
  invalidation: 'auto' | 'postgres' | 'redis' | 'poll'
  /** undefined: chosen by start() from the channels in use. */
  pollIntervalMs: number | undefined
  channel: string
  startTimeoutMs: number
  outageLogIntervalMs: number
}

const KEYS = ['file', 'invalidation', 'pollIntervalMs', 'channel', 'startTimeoutMs', 'outageLogIntervalMs']
const INVALIDATION = ['auto', 'postgres', 'redis', 'poll']
// A Postgres identifier (LISTEN "channel"), also fine as a Redis channel name.
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/

function invalid(message: string): KitError {
  return new KitError('KIT_FLAGS_INVALID_OPTION', message)
}

function duration(options: FlagsOptions, key: keyof FlagsOptions, min: number): number | undefined {
  const value = options[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw invalid(`${key} must be a number of milliseconds ≥ ${min}, got ${JSON.stringify(value)}.`)
  }
  return value
}

/** Options in, complete config out: defaults applied, every value checked, once. */
export function parseOptions(input: FlagsOptions | undefined): FlagsConfig {
  const options = input ?? {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid('createFlags(definitions, options): options must be an object.')
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw invalid(`Unknown option "${key}" (options: ${KEYS.join(', ')}).${didYouMean(key, KEYS)}`)
    }
  }
  const file = options.file
  if (file !== undefined && file !== false && (typeof file !== 'string' || file.trim() === '')) {
    throw invalid(`file must be a path (relative to the app root) or false, got ${JSON.stringify(file)}.`)
  }
  const invalidation = options.invalidation ?? 'auto'
  if (!INVALIDATION.includes(invalidation)) {
    throw invalid(
      `invalidation must be one of ${INVALIDATION.join(', ')}, got ${JSON.stringify(invalidation)}.${didYouMean(String(invalidation), INVALIDATION)}`,
    )
  }
  const channel = options.channel ?? 'kit_feature_flags'
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    throw invalid(
      `channel must be lower-case letters, digits and "_" (a Postgres identifier, at most 63 characters), got ${JSON.stringify(channel)}.`,
    )
  }
  return {
    file: file ?? DEFAULT_FLAGS_FILE,
    fileExplicit: file !== undefined && file !== false,
    invalidation,
    pollIntervalMs: duration(options, 'pollIntervalMs', 100),
    channel,
    startTimeoutMs: duration(options, 'startTimeoutMs', 0) ?? 5000,
    outageLogIntervalMs: duration(options, 'outageLogIntervalMs', 0) ?? 60_000,
  }
}
