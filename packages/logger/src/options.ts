import { KitError } from '@kit/internal'
import type { DestinationStream } from 'pino'
import { type LogLevel, parseLevel } from './levels.ts'

/** The part of the parsed env the logger reads (a structural subset of @kit/env's). */
export interface LoggerEnv {
  NODE_ENV?: string
  LOG_LEVEL?: string
}

export interface LoggerContext {
  /** @default process.env */
  env?: LoggerEnv
}

export interface LoggerOptions {
  /** Lowest level written. @default LOG_LEVEL, else 'debug' in development and 'info' otherwise */
  level?: LogLevel | Uppercase<LogLevel>
  /** Where lines go (a stream, e.g. in tests). @default stdout, written synchronously so a crash loses no line */
  destination?: DestinationStream
  /** `service` field of every line. @default none */
  service?: string
  /** `release` field of every line (a commit, a version). @default none */
  release?: string
  /** More fields for every line. `env` (NODE_ENV), `pid` and `hostname` are added. @default {} */
  base?: Record<string, unknown>
  /**
   * Human-readable output through pino-pretty (never required: an optional peer).
   * @default true in development when stdout is a TTY and pino-pretty is installed
   */
  pretty?: boolean
  /** Keys to redact besides the shared list (compared like it: case, '-', '_' and '.' ignored). @default [] */
  redactKeys?: readonly string[]
}

export interface LoggerConfig {
  level: LogLevel
  destination: DestinationStream | undefined
  base: Record<string, unknown>
  /** 'auto' resolves at creation from NODE_ENV and the TTY. */
  pretty: boolean | 'auto'
  redactKeys: readonly string[]
  nodeEnv: string
}

export function parseLoggerOptions(options: LoggerOptions, env: LoggerEnv): LoggerConfig {
  const nodeEnv = env.NODE_ENV?.trim() || 'development'
  const level =
    options.level !== undefined
      ? parseLevel(options.level, 'The `level` option')
      : env.LOG_LEVEL !== undefined && env.LOG_LEVEL.trim() !== ''
        ? parseLevel(env.LOG_LEVEL, 'LOG_LEVEL')
        : nodeEnv === 'development'
          ? 'debug'
          : 'info'
  for (const name of ['service', 'release'] as const) {
    const value = options[name]
    if (value !== undefined && typeof value !== 'string') invalid(name, 'a string', value)
  }
  if (options.base !== undefined && (typeof options.base !== 'object' || options.base === null)) {
    invalid('base', 'an object of fields', options.base)
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
  const base: Record<string, unknown> = { env: nodeEnv }
  if (options.service !== undefined) base.service = options.service
  if (options.release !== undefined) base.release = options.release
  Object.assign(base, options.base)
  return { level, destination, base, pretty: options.pretty ?? 'auto', redactKeys, nodeEnv }
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
