import type { ErrorInfo } from './error-body.ts'

/**
 * kit's refusal of a request body (413, malformed JSON, unsupported
 * charset), carried on the error handed to the framework's error handling.
 * The error itself is the framework's own kind (body-parser's on Express,
 * Fastify's FST_ERR_CTP_* on Fastify), so an app's error handler renders it
 * as it would without kit; kit's error handler reads this marker and answers
 * with kit's body instead. A global symbol, so two copies of the package agree.
 */
const REFUSAL: unique symbol = Symbol.for('kit.refusal') as never

type RefusalInfo = Pick<ErrorInfo, 'status' | 'title' | 'code' | 'message'>

/** Marks `error` (not enumerable: an app that logs or serialises the error never sees it). */
export function attachRefusal<E extends object>(error: E, info: RefusalInfo): E {
  Object.defineProperty(error, REFUSAL, { value: info, configurable: true })
  return error
}

/** The refusal kit attached to `error`, if any. */
export function refusalOf(error: unknown): RefusalInfo | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  return (error as { [REFUSAL]?: RefusalInfo })[REFUSAL]
}
