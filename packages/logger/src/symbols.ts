/**
 * Markers shared by the logger's files. `Symbol.for` so that two copies of
 * @kit/logger in one process (source and dist, two versions) agree.
 */

/** On a root logger made by createLogger(); children inherit it through their prototype. */
export const KIT_LOGGER: unique symbol = Symbol.for('kit.logger')

/** On a per-request child logger: the request id its bindings already carry (the mixin then adds nothing). */
export const BOUND_REQUEST_ID: unique symbol = Symbol.for('kit.logger.boundRequestId')

/**
 * On an object whose every value kit built from safe parts (the request line,
 * request bindings): the redaction walk skips it. Symbols are invisible to
 * pino's `for...in`, so the mark never reaches the output.
 */
export const SAFE_FIELDS: unique symbol = Symbol.for('kit.logger.safeFields')

/** On a merge object the mixin built: the request id it added, which needs no scrubbing. */
export const TRUSTED_REQUEST_ID: unique symbol = Symbol.for('kit.logger.trustedRequestId')

/** On the raw ServerResponse: the error the error handler attached for the request line. */
export const RESPONSE_ERROR: unique symbol = Symbol.for('kit.logger.responseError')

/**
 * On a root logger whose request line can be written as text directly
 * (request-line-json.ts): made by createLogger() with no app formatter,
 * mixin, hook, redact path, nested key, prefix or serializer that would
 * change it. Children inherit it.
 */
export const FAST_LINE: unique symbol = Symbol.for('kit.logger.fastLine')
