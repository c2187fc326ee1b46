import type { Logger, LoggerOptions as PinoOptions } from 'pino'
import { requestStorage } from './context.ts'
import type { Redactor } from './redaction.ts'
import { TRUSTED_MESSAGES } from './request-line.ts'
import { createSerializers } from './serializers.ts'
import { BOUND_REQUEST_ID, TRUSTED_REQUEST_ID } from './symbols.ts'

type Fields = Record<string | symbol, unknown>
type Serializer = (value: any) => unknown
type Formatters = NonNullable<PinoOptions['formatters']>
type Mixin = (object: object, level: number, logger: Logger) => object
type MergeStrategy = (object: object, mixed: object) => object

/** The user's own pieces kit composes with (from their options, or read off their pino instance). */
export interface UserPieces {
  formatters?: Formatters | undefined
  serializers?: Record<string, Serializer> | undefined
  mixin?: Mixin | undefined
  mixinMergeStrategy?: MergeStrategy | undefined
  messageKey: string
}

/** The pino options through which kit's redaction and request context reach every line. */
export interface KitLayer {
  formatters: Formatters
  serializers: Record<string, Serializer>
  mixin: Mixin
  mixinMergeStrategy: MergeStrategy
}

/** Returned by the mixin when it adds nothing: the merge strategy then keeps the caller's object as is. */
const NO_CONTEXT: Record<string, never> = Object.freeze({}) as Record<string, never>

/** The keys that have a serializer once kit's and the user's are merged (the redaction walk leaves them to it). */
export function serializedKeys(user: UserPieces, errorKey: string): string[] {
  return ['req', 'res', 'err', errorKey, ...Object.keys(user.serializers ?? {})]
}

/**
 * kit on top of the user's pino pieces, never instead of them: the user's
 * formatters run first and kit's redaction scrubs what they return; the
 * user's serializers win for their keys, and their output is scrubbed; the
 * user's mixin fields are merged with the request id. Relies on the order
 * in which pino builds a line (docs/internals/logging.md).
 */
export function kitLayer(redactor: Redactor, user: UserPieces): KitLayer {
  const userLog = user.formatters?.log
  const userBindings = user.formatters?.bindings
  const formatters: Formatters = {
    log: userLog ? (object) => redactor.fields(userLog(object as Fields) as Fields) : redactor.fields,
    // pino applies a bindings formatter to the root only (children reset it): create-logger wraps child().
    bindings: userBindings
      ? (bindings) => redactor.fields(userBindings(bindings) as Fields)
      : redactor.fields,
  }
  if (user.formatters?.level) formatters.level = user.formatters.level

  const serializers: Record<string, Serializer> = { ...createSerializers(redactor) }
  for (const [key, serializer] of Object.entries(user.serializers ?? {})) {
    serializers[key] = (value) => redactor.value(serializer(value))
  }
  const userMessage = user.serializers?.[user.messageKey]
  // kit's own messages ('request completed') are not scanned.
  serializers[user.messageKey] = (message: unknown) => {
    const shown = userMessage ? userMessage(message) : message
    return typeof shown === 'string' && !TRUSTED_MESSAGES.has(shown) ? redactor.value(shown) : shown
  }

  const userMixin = user.mixin
  // In a request, lines get its id; a logger already bound to it (req.log) gets nothing twice.
  const mixin: Mixin = (object, level, instance) => {
    const own = userMixin?.(object, level, instance)
    const request =
      (instance as unknown as Fields)[BOUND_REQUEST_ID] === undefined ? requestStorage.getStore() : undefined
    if (request === undefined) return own ?? NO_CONTEXT
    const mixed = (own ?? {}) as Fields
    mixed.reqId = request.id
    mixed[TRUSTED_REQUEST_ID] = request.id
    return mixed
  }
  const userMerge = user.mixinMergeStrategy
  const mixinMergeStrategy: MergeStrategy = userMerge
    ? (object, mixed) => (mixed === NO_CONTEXT ? object : userMerge(object, mixed))
    : (object, mixed) => (mixed === NO_CONTEXT ? object : Object.assign(mixed, object))

  return { formatters, serializers, mixin, mixinMergeStrategy }
}
