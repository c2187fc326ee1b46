import { KitError } from '@kit/internal'
import type { DestinationStream, Logger } from 'pino'
import { type LogLevel, parseLevel } from './levels.ts'
import { isPinoLogger } from './pino-internals.ts'
import { type PassedPinoOptions, pickPinoOptions } from './pino-options.ts'

/** The part of the parsed env the logger reads (a structural subset of @kit/env's). */
export interface LoggerEnv {
  NODE_ENV?: string
  LOG_LEVEL?: string
}

export interface LoggerContext {
  /** @default process.env */
  env?: LoggerEnv
}

/**
 * kit's options, plus pino's own (`transport`, `redact`, `messageKey`,
 * `formatters`, `serializers`, `mixin`, `customLevels`, `timestamp`, ...:
 * PASSED_TO_PINO in pino-options.ts) passed to pino with kit's redaction and
 * request context kept on top. pino options kit cannot honour are refused by
 * name (KIT_LOGGER_UNSUPPORTED_OPTION).
 */
export interface LoggerOptions extends PassedPinoOptions {
  /**
   * An existing pino logger to use instead of making one: kit logs through a
   * child of it (its stream, transport, level, formatters and redact paths
   * stay), adding its redaction and request ids. Pass only kit's
   * `service`, `release`, `base`, `redactKeys` and `level` beside it.
   * `logger: yourPino` in kit.config is the same as `logger: { instance: yourPino }`.
   * @default none: kit makes its own
   */
  instance?: Logger
  /** Lowest level written (a custom level from `customLevels` too). @default LOG_LEVEL, else 'debug' in development and 'info' otherwise */
  level?: LogLevel | Uppercase<LogLevel> | (string & {})
  /** Where lines go (a stream, e.g. in tests). @default stdout, written synchronously so a crash loses no line */
  destination?: DestinationStream
  /** `service` field of every line. @default none */
  service?: string
  /** `release` field of every line (a commit, a version). @default none */
  release?: string
  /** More fields for every line. `env` (NODE_ENV), `pid` and `hostname` are added; `null` (pino's way) leaves out pid and hostname. @default {} */
  base?: Record<string, unknown> | null
  /**
   * Human-readable output through pino-pretty (never required: an optional peer).
   * @default true in development when stdout is a TTY and pino-pretty is installed
   */
  pretty?: boolean
  /** Keys to redact besides the shared list (compared like it: case, '-', '_' and '.' ignored). @default [] */
  redactKeys?: readonly string[]
}

/** What kit.config's `logger` and createLogger() take: options, or a pino logger (the same as `{ instance }`). */
export type LoggerSetting = LoggerOptions | Logger

/** kit's own option names; every other key must be a pino option (pino-options.ts). */
const KIT_KEYS = ['instance', 'level', 'destination', 'service', 'release', 'base', 'pretty', 'redactKeys']
/** The kit options that make sense beside an existing instance. */
const WITH_INSTANCE = new Set(['instance', 'level', 'service', 'release', 'base', 'redactKeys'])

export interface LoggerConfig {
  /** Custom level names are allowed when `customLevels` declares them. */
  level: string
  /** True when the `level` option set it: an instance otherwise keeps its own level (LOG_LEVEL included). */
  levelChosen: boolean
  instance: Logger | undefined
  pino: PassedPinoOptions
  /** false: pino's `base: null`, no pid and hostname. */
  processFields: boolean
  destination: DestinationStream | undefined
  base: Record<string, unknown>
  /** 'auto' resolves at creation from NODE_ENV and the TTY. */
  pretty: boolean | 'auto'
  redactKeys: readonly string[]
  nodeEnv: string
}

export function parseLoggerOptions(setting: LoggerSetting, env: LoggerEnv): LoggerConfig {
  if (typeof setting !== 'object' || setting === null)
    invalid('logger', 'an object of options or a pino logger', setting)
  const options: LoggerOptions = isPinoLogger(setting)
    ? { instance: setting as Logger }
    : (setting as LoggerOptions)
  const instance = options.instance
  if (instance !== undefined) checkInstanceOptions(options)
  const pinoOptions = pickPinoOptions(options as Record<string, unknown>, KIT_KEYS)
  const customLevels = Object.keys(pinoOptions.customLevels ?? instance?.levels.values ?? {})
  const nodeEnv = env.NODE_ENV?.trim() || 'development'
  const fromEnv = env.LOG_LEVEL !== undefined && env.LOG_LEVEL.trim() !== ''
  const level =
    options.level !== undefined
      ? parseLevel(options.level, 'The `level` option', customLevels)
      : fromEnv
        ? parseLevel(env.LOG_LEVEL, 'LOG_LEVEL', customLevels)
        : nodeEnv === 'development'
          ? 'debug'
          : 'info'
  for (const name of ['service', 'release'] as const) {
    const value = options[name]
    if (value !== undefined && typeof value !== 'string') invalid(name, 'a string', value)
  }
  if (options.base !== undefined && options.base !== null && typeof options.base !== 'object') {
    invalid('base', 'an object of fields (or null)', options.base)
  }
  if (options.pretty !== undefined && typeof options.pretty !== 'boolean')
    invalid('pretty', 'a boolean', options.pretty)
  const redactKeys = options.redactKeys ?? []
  if (!Array.isArray(redactKeys) || redactKeys.some((key) => typeof key !== 'string' || key === '')) {
    invalid('redactKeys', 'an array of non-empty strings', redactKeys)
  }
  const destination = options.destination
  if (destination !== undefined && typeof (destination as { write?: unknown }).write !== 'function') {
    invalid('destination', 'a writable stream', destination)
  }
  if (pinoOptions.transport !== undefined && (destination !== undefined || options.pretty === true)) {
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `The logger options \`transport\` and \`${destination !== undefined ? 'destination' : 'pretty'}\` were both given; lines go to one place. Keep \`transport\` (use \`transport: { target: "pino-pretty" }\` for pretty output), or drop it.`,
    )
  }
  const base: Record<string, unknown> = { env: nodeEnv }
  if (options.service !== undefined) base.service = options.service
  if (options.release !== undefined) base.release = options.release
  if (options.base) Object.assign(base, options.base)
  return {
    level,
    levelChosen: options.level !== undefined,
    instance,
    pino: pinoOptions,
    processFields: options.base !== null,
    destination,
    base,
    pretty: pinoOptions.transport !== undefined ? false : (options.pretty ?? 'auto'),
    redactKeys,
    nodeEnv,
  }
}

/** Beside an instance only kit's fields make sense: pino's options were given when the instance was made. */
function checkInstanceOptions(options: LoggerOptions): void {
  if (!isPinoLogger(options.instance)) {
    invalid('instance', 'a pino logger (from pino() or createLogger())', options.instance)
  }
  for (const key of Object.keys(options)) {
    if (WITH_INSTANCE.has(key) || options[key as keyof LoggerOptions] === undefined) continue
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `The logger option \`${key}\` cannot be combined with \`instance\`: your pino instance already decided it. Set it in the pino() call that made the instance; beside \`instance\` kit takes only ${[...WITH_INSTANCE].filter((k) => k !== 'instance').join(', ')}.`,
    )
  }
}

function invalid(name: string, expected: string, value: unknown): never {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'object' && value !== null
        ? Object.prototype.toString.call(value)
        : String(value)
  throw new KitError('KIT_LOGGER_INVALID_OPTION', `The \`${name}\` option must be ${expected}; got ${shown}.`)
}
