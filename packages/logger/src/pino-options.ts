import { didYouMean, KitError } from '@kit/internal'
import type { LoggerOptions as PinoOptions } from 'pino'

/**
 * pino's own options (pino 10's LoggerOptions) that createLogger() hands to
 * pino as they are. kit layers its redaction and request context on top of
 * the ones that touch lines (formatters, serializers, mixin: see kit-layer.ts);
 * `level` and `base` are kit options of the same meaning (options.ts).
 */
export type PassedPinoKey = Extract<
  keyof PinoOptions,
  | 'transport'
  | 'redact'
  | 'messageKey'
  | 'errorKey'
  | 'nestedKey'
  | 'formatters'
  | 'serializers'
  | 'timestamp'
  | 'mixin'
  | 'mixinMergeStrategy'
  | 'customLevels'
  | 'levelComparison'
  | 'name'
  | 'msgPrefix'
  | 'enabled'
  | 'hooks'
  | 'onChild'
  | 'crlf'
>

export const PASSED_TO_PINO: readonly PassedPinoKey[] = [
  'transport',
  'redact',
  'messageKey',
  'errorKey',
  'nestedKey',
  'formatters',
  'serializers',
  'timestamp',
  'mixin',
  'mixinMergeStrategy',
  'customLevels',
  'levelComparison',
  'name',
  'msgPrefix',
  'enabled',
  'hooks',
  'onChild',
  'crlf',
]

export type PassedPinoOptions = Pick<PinoOptions, PassedPinoKey>

/**
 * Options users copy from pino, pino-http or older pino versions that kit
 * cannot honour, each with the reason and what to write instead. Refused by
 * name: an option that silently did nothing would be worse (why each pino
 * one does nothing under kit: docs/internals/logging.md).
 */
export const REFUSED_OPTIONS: Readonly<Record<string, string>> = {
  // pino options
  useOnlyCustomLevels:
    "kit writes request lines at info, error and debug, which useOnlyCustomLevels removes. Keep pino's levels and add yours with `customLevels`",
  browser: "only pino's browser build reads it; on the server it does nothing. Remove it",
  safe: 'pino 10 ignores it (lines are always serialised safely). Remove it',
  levelVal:
    'pino 10 ignores it. Define the level with `customLevels: { audit: 35 }` and set `level: "audit"`',
  prettyPrint:
    'it was removed in pino 7. Use `pretty: true` (with pino-pretty installed) or `transport: { target: "pino-pretty" }`',
  useLevelLabels: 'it was removed in pino 7. Use `formatters: { level: (label) => ({ level: label }) }`',
  changeLevelName:
    'it was removed in pino 7. Use `formatters: { level: (label, number) => ({ severity: number }) }`',
  levelKey:
    'it was removed in pino 7. Use `formatters: { level: (label, number) => ({ severity: number }) }`',
  depthLimit:
    'pino applies it only to objects with cycles, and kit\'s redaction already writes a cycle as "[Circular]" and cuts objects deeper than 10 levels. Remove it',
  edgeLimit:
    'pino applies it only to objects with cycles, and kit\'s redaction already writes a cycle as "[Circular]". Remove it',
  stream: 'kit calls it `destination` (a writable stream), or use `transport`',
  // pino-http options: kit's request logging replaces pino-http
  logger:
    "it is pino-http's. Give kit your pino instance instead: `logger: yourPino` in kit.config, or `createLogger({ instance: yourPino })`",
  genReqId:
    "kit's request ids are the incoming X-Request-Id when it is safe, else a UUID; choose the header with requestLogger's `requestIdHeader` and `trustRequestId`",
  autoLogging:
    'kit writes one line per request; requests its `skip` option matches (health routes) are written at debug. Raise LOG_LEVEL to write fewer',
  customLogLevel: 'kit writes 1xx-4xx at info and 5xx at error; set LOG_LEVEL to choose what is written',
  useLevel: 'kit writes 1xx-4xx at info and 5xx at error; set LOG_LEVEL to choose what is written',
  customSuccessMessage:
    'kit\'s request line always says "request completed" (or "request aborted") so queries work across apps; method, path, route and status are fields',
  customErrorMessage:
    'kit\'s request line always says "request completed" (or "request aborted") so queries work across apps; method, path, route and status are fields',
  customReceivedMessage: 'kit writes one line per request, when it ends, never one when it starts',
  customAttributeKeys:
    "kit's request line has fixed field names (docs/logging.md); rename fields for your log pipeline in `formatters.log`",
  customProps:
    'add fields to every line written in a request with `mixin` (getRequestContext() gives the request there), or log through req.log.child({...})',
  quietReqLogger: "kit's request logger already carries only reqId (req.log / request.log)",
  quietResLogger: "kit's request logger already carries only reqId (req.log / request.log)",
  wrapSerializers: 'kit always wraps serializers: whatever they return is redacted',
}

type Check = [test: (value: unknown) => boolean, expected: string]
const isString = (v: unknown) => typeof v === 'string'
const isNonEmptyString = (v: unknown) => typeof v === 'string' && v !== ''
const isFunction = (v: unknown) => typeof v === 'function'
const isBoolean = (v: unknown) => typeof v === 'boolean'
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isObjectOfFunctions = (v: unknown) => isPlainObject(v) && Object.values(v).every(isFunction)
const isPositiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0
const isStringArray = (v: unknown) => Array.isArray(v) && v.every(isNonEmptyString)

/** What each passed option must look like; pino itself throws raw errors or misbehaves on the rest. */
const CHECKS: Record<PassedPinoKey, Check> = {
  transport: [
    (v) => isPlainObject(v) && (isString(v.target) || Array.isArray(v.targets) || Array.isArray(v.pipeline)),
    'an object with `target`, `targets` or `pipeline` (pino.transport options)',
  ],
  redact: [
    (v) => isStringArray(v) || (isPlainObject(v) && isStringArray(v.paths)),
    'an array of paths (["user.email", "*.ssn"]) or { paths, censor?, remove? }',
  ],
  messageKey: [isNonEmptyString, 'a non-empty string'],
  errorKey: [isNonEmptyString, 'a non-empty string'],
  nestedKey: [isNonEmptyString, 'a non-empty string'],
  formatters: [isObjectOfFunctions, 'an object of functions ({ level?, bindings?, log? })'],
  serializers: [isObjectOfFunctions, 'an object of functions, one per key'],
  timestamp: [
    (v) => isBoolean(v) || isFunction(v),
    'a boolean or a function such as pino.stdTimeFunctions.isoTime',
  ],
  mixin: [isFunction, 'a function (mergeObject, level, logger) => object'],
  mixinMergeStrategy: [isFunction, 'a function (mergeObject, mixinObject) => object'],
  customLevels: [
    (v) => isPlainObject(v) && Object.values(v).every(isPositiveInteger),
    'an object of level names to numbers, e.g. { audit: 35 }',
  ],
  levelComparison: [(v) => v === 'ASC' || v === 'DESC' || isFunction(v), '"ASC", "DESC" or a function'],
  name: [isString, 'a string'],
  msgPrefix: [isString, 'a string'],
  enabled: [isBoolean, 'a boolean'],
  hooks: [isObjectOfFunctions, 'an object of functions ({ logMethod?, streamWrite? })'],
  onChild: [isFunction, 'a function (child) => void'],
  crlf: [isBoolean, 'a boolean'],
}

/**
 * Picks the pino options out of createLogger()'s options and checks them;
 * throws by name on a refused or unknown key (with the closest known name).
 */
export function pickPinoOptions(
  options: Record<string, unknown>,
  kitKeys: readonly string[],
): PassedPinoOptions {
  const picked: Record<string, unknown> = {}
  for (const key of Object.keys(options)) {
    const value = options[key]
    if (kitKeys.includes(key)) continue
    const reason = REFUSED_OPTIONS[key]
    if (reason !== undefined) {
      throw new KitError(
        'KIT_LOGGER_UNSUPPORTED_OPTION',
        `The logger option \`${key}\` is not supported: ${reason}.`,
      )
    }
    const check = CHECKS[key as keyof typeof CHECKS]
    if (check === undefined) {
      throw new KitError(
        'KIT_LOGGER_UNKNOWN_OPTION',
        `The logger option \`${key}\` is neither a kit option nor a pino option.${didYouMean(key, [...kitKeys, ...PASSED_TO_PINO], { quote: '`' })} kit takes ${kitKeys.join(', ')} and pino's ${PASSED_TO_PINO.join(', ')} (docs/logging.md).`,
      )
    }
    if (value === undefined) continue
    if (!check[0](value)) {
      throw new KitError(
        'KIT_LOGGER_INVALID_OPTION',
        `The pino option \`${key}\` must be ${check[1]}; got ${describe(value)}.`,
      )
    }
    picked[key] = value
  }
  return picked as PassedPinoOptions
}

/** A value named in an error message without printing what it holds (it may be a secret). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value)
  return String(value)
}
