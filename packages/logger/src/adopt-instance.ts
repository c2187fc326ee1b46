import { KitError } from '@kit/internal'
import type { ChildLoggerOptions, Logger } from 'pino'
import type { MarkKitLogger } from './create-logger.ts'
import { kitLayer, serializedKeys, type UserPieces } from './kit-layer.ts'
import type { LoggerConfig } from './options.ts'
import { readPino, writePino } from './pino-internals.ts'
import { createRedactor } from './redaction.ts'

/** The levels kit writes its own lines at (request lines, warnings). */
const KIT_LEVELS = ['error', 'warn', 'info', 'debug'] as const

/**
 * kit on an app's own pino logger: a child of it, so lines keep its stream
 * (a transport, a file), its level, timestamp, formatters, base fields and
 * `redact` paths, and gain kit's redaction of known secrets, its
 * serializers for req/res/err where the app has none, and the request id
 * on every line written in a request. The app's serializers and formatters
 * keep running, their output redacted. pino's mixin has no child option: it
 * is set on the child through pino's own symbol (pino-internals.ts).
 */
export function adoptInstance(config: LoggerConfig, markKitLogger: MarkKitLogger): Logger {
  const instance = config.instance as Logger
  for (const level of KIT_LEVELS) {
    if (typeof instance[level] !== 'function') {
      throw new KitError(
        'KIT_LOGGER_INVALID_OPTION',
        `The pino instance given as the logger has no \`${level}\` method (created with useOnlyCustomLevels?). kit writes request lines at ${KIT_LEVELS.join(', ')}: keep pino's levels and add yours with customLevels.`,
      )
    }
  }
  const formatters = readPino<NonNullable<UserPieces['formatters']>>(instance, 'formatters')
  const user: UserPieces = {
    // Formatters already applied by the instance are bindings (its own, written) and level (kept by the child).
    formatters: { log: formatters?.log, level: formatters?.level },
    serializers: ownSerializers(instance),
    mixin: readPino(instance, 'mixin'),
    mixinMergeStrategy: readPino(instance, 'mixinMergeStrategy'),
    messageKey: readPino<string>(instance, 'messageKey') ?? 'msg',
  }
  const redactor = createRedactor(
    config.redactKeys,
    serializedKeys(user, readPino<string>(instance, 'errorKey') ?? 'err'),
  )
  const layer = kitLayer(redactor, user)
  // The instance's own base fields are already written into its bindings; kit adds env, service, release and `base`.
  const child = instance.child(redactor.fields(config.base), {
    // pino types a child's log formatter more narrowly than the root's; it is the same function.
    formatters: layer.formatters as ChildLoggerOptions['formatters'],
    serializers: layer.serializers,
    ...(config.levelChosen ? { level: config.level } : {}),
  })
  writePino(child, 'mixin', layer.mixin)
  writePino(child, 'mixinMergeStrategy', layer.mixinMergeStrategy)
  markKitLogger(child, redactor)
  return child
}

/**
 * The instance's serializers the app chose: pino's default `err` one is
 * left out so kit's (the same shape, redacted) applies.
 */
function ownSerializers(instance: Logger): Record<string, (value: any) => unknown> {
  const all = readPino<Record<string, (value: any) => unknown>>(instance, 'serializers') ?? {}
  const own: Record<string, (value: any) => unknown> = {}
  for (const key in all) {
    const serializer = all[key]
    if (serializer === undefined || (key === 'err' && serializer.name === 'errSerializer')) continue
    own[key] = serializer
  }
  return own
}
