import { hostname } from 'node:os'
import { createDebug } from '@kit/internal'
import { type DestinationStream, type Logger, pino } from 'pino'
import { requestStorage } from './context.ts'
import { type LoggerContext, type LoggerOptions, parseLoggerOptions } from './options.ts'
import { loadPretty } from './pretty.ts'
import { createRedactor } from './redaction.ts'
import { TRUSTED_MESSAGES } from './request-line.ts'
import { createSerializers, SERIALIZED_KEYS } from './serializers.ts'
import { BOUND_REQUEST_ID, KIT_LOGGER, TRUSTED_REQUEST_ID } from './symbols.ts'

export type { Logger } from 'pino'

const debug = createDebug('logger')

/** Returned by the mixin outside a request: the merge strategy then keeps the caller's object as is. */
const NO_CONTEXT: Record<string, never> = Object.freeze({}) as Record<string, never>

/**
 * The app's logger: pino, JSON lines, secrets redacted at any depth, and the
 * request id added to every line written while a request is handled.
 */
export function createLogger(options: LoggerOptions = {}, context: LoggerContext = {}): Logger {
  const config = parseLoggerOptions(options, context.env ?? process.env)
  const redactor = createRedactor(config.redactKeys, SERIALIZED_KEYS)
  const serializers = createSerializers(redactor)
  const pretty =
    config.pretty === true ||
    (config.pretty === 'auto' &&
      config.nodeEnv === 'development' &&
      config.destination === undefined &&
      process.stdout.isTTY === true)
  const prettyFactory = pretty ? loadPretty() : undefined
  const destination: DestinationStream =
    prettyFactory !== undefined
      ? prettyFactory({ colorize: config.destination === undefined, destination: config.destination ?? 1 })
      : (config.destination ?? pino.destination({ dest: 1, sync: true }))

  const logger = pino(
    {
      level: config.level,
      base: { pid: process.pid, hostname: hostname(), ...config.base },
      // pino applies a bindings formatter to the root only (children reset it): child() is wrapped below.
      formatters: { log: redactor.fields, bindings: redactor.fields },
      serializers: {
        ...serializers,
        msg: (message: unknown) =>
          typeof message === 'string' && !TRUSTED_MESSAGES.has(message) ? redactor.value(message) : message,
      },
      // In a request, lines get its id; a logger already bound to it (req.log) gets nothing twice.
      mixin(_object, _level, instance) {
        if ((instance as unknown as Record<symbol, unknown>)[BOUND_REQUEST_ID] !== undefined)
          return NO_CONTEXT
        const request = requestStorage.getStore()
        return request === undefined ? NO_CONTEXT : { reqId: request.id, [TRUSTED_REQUEST_ID]: request.id }
      },
      mixinMergeStrategy: (object, mixed) => (mixed === NO_CONTEXT ? object : Object.assign(mixed, object)),
    },
    destination,
  )
  Object.defineProperty(logger, KIT_LOGGER, { value: true })
  // Children are Object.create(parent), so every descendant inherits this child().
  const child = logger.child
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactor.fields(bindings), childOptions)
  } as typeof logger.child
  debug('level=%s pretty=%s env=%s', config.level, prettyFactory !== undefined, config.nodeEnv)
  if (config.pretty === true && prettyFactory === undefined) {
    logger.warn(
      'pretty output was asked for but pino-pretty is not installed; writing JSON. Run `npm install -D pino-pretty`.',
    )
  }
  return logger
}

/** True for a logger made by createLogger() or one of its children. */
export function isKitLogger(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[KIT_LOGGER] === true
  )
}
