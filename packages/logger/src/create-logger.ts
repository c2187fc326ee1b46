import { hostname } from 'node:os'
import { createDebug, KitError } from '@kit/internal'
import { type DestinationStream, type Logger, pino } from 'pino'
import { adoptInstance } from './adopt-instance.ts'
import { kitLayer, serializedKeys, type UserPieces } from './kit-layer.ts'
import { type LoggerConfig, type LoggerContext, type LoggerSetting, parseLoggerOptions } from './options.ts'
import { loadPretty } from './pretty.ts'
import { createRedactor, type Redactor } from './redaction.ts'
import { FAST_LINE, KIT_LOGGER } from './symbols.ts'

export type { Logger } from 'pino'

const debug = createDebug('logger')

/**
 * The app's logger: pino, JSON lines, secrets redacted at any depth, and the
 * request id added to every line written while a request is handled. Takes
 * kit's options and pino's own (passed through, kit's redaction kept on
 * top), or an existing pino logger (`createLogger(yourPino)`).
 */
export function createLogger(options: LoggerSetting = {}, context: LoggerContext = {}): Logger {
  const config = parseLoggerOptions(options, context.env ?? process.env)
  if (config.instance !== undefined) {
    if (isKitLogger(config.instance)) return config.instance
    return adoptInstance(config, markKitLogger)
  }
  const user: UserPieces = {
    formatters: config.pino.formatters,
    serializers: config.pino.serializers,
    mixin: config.pino.mixin as UserPieces['mixin'],
    mixinMergeStrategy: config.pino.mixinMergeStrategy,
    messageKey: config.pino.messageKey ?? 'msg',
  }
  const redactor = createRedactor(config.redactKeys, serializedKeys(user, config.pino.errorKey ?? 'err'))
  const pretty =
    config.pretty === true ||
    (config.pretty === 'auto' &&
      config.nodeEnv === 'development' &&
      config.destination === undefined &&
      process.stdout.isTTY === true)
  const prettyFactory = pretty ? loadPretty() : undefined
  const base = config.processFields ? { pid: process.pid, hostname: hostname(), ...config.base } : config.base
  const logger = buildPino(
    { ...config.pino, level: config.level, base, ...kitLayer(redactor, user) },
    config.pino.transport !== undefined ? undefined : destinationFor(config, prettyFactory, user.messageKey),
  )
  markKitLogger(logger, redactor)
  if (writesLineAsPino(config)) Object.defineProperty(logger, FAST_LINE, { value: true })
  debug('level=%s pretty=%s env=%s', config.level, prettyFactory !== undefined, config.nodeEnv)
  if (config.pretty === true && prettyFactory === undefined) {
    logger.warn(
      'pretty output was asked for but pino-pretty is not installed; writing JSON. Run `npm install -D pino-pretty`.',
    )
  }
  return logger
}

function destinationFor(
  config: LoggerConfig,
  prettyFactory: ReturnType<typeof loadPretty>,
  messageKey: string,
): DestinationStream {
  if (prettyFactory === undefined) return config.destination ?? pino.destination({ dest: 1, sync: true })
  return prettyFactory({
    colorize: config.destination === undefined,
    destination: config.destination ?? 1,
    messageKey,
  })
}

/** pino() with its own errors (a bad redact path, a transport target that cannot be found) as kit's. */
function buildPino(options: pino.LoggerOptions, destination: DestinationStream | undefined): Logger {
  try {
    return destination === undefined ? pino(options) : pino(options, destination)
  } catch (error) {
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `pino refused the logger options: ${(error as Error).message}. Check the pino options named there (docs/logging.md).`,
      { cause: error },
    )
  }
}

/** The request line's keys: an app serializer or redact path on one of them changes how pino writes the line. */
const LINE_KEYS = ['reqId', 'method', 'path', 'route', 'status', 'durationMs', 'ip', 'userAgent', 'aborted']

/** True when pino would write kit's request line exactly as request-line-json.ts does. */
function writesLineAsPino(config: LoggerConfig): boolean {
  const { formatters, mixin, hooks, redact, nestedKey, msgPrefix, serializers, messageKey } = config.pino
  return (
    formatters?.level === undefined &&
    formatters?.log === undefined &&
    mixin === undefined &&
    (hooks?.logMethod ?? hooks?.streamWrite) === undefined &&
    redact === undefined &&
    nestedKey === undefined &&
    msgPrefix === undefined &&
    !LINE_KEYS.some((key) => serializers?.[key] !== undefined) &&
    serializers?.[messageKey ?? 'msg'] === undefined
  )
}

/** Marks a logger as kit's and makes every descendant's bindings go through the redaction. */
function markKitLogger(logger: Logger, redactor: Redactor): void {
  Object.defineProperty(logger, KIT_LOGGER, { value: true })
  // Children are Object.create(parent), so every descendant inherits this child().
  const child = logger.child
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactor.fields(bindings), childOptions)
  } as typeof logger.child
}

/** True for a logger made by createLogger() or one of its children. */
export function isKitLogger(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[KIT_LOGGER] === true
  )
}

export type MarkKitLogger = typeof markKitLogger
