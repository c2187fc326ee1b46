export { captureRequestError, errorStatusCode, type RequestErrorContext } from './capture.ts'
export { errors } from './errors.ts'
export { initSentry, isSentryInitialised } from './init.ts'
export { checkInitOrder } from './init-order.ts'
export {
  DEFAULT_REQUEST_HEADERS,
  type SentryCollectOptions,
  type SentryContext,
  type SentryEnv,
  type SentryOptions,
} from './options.ts'
export { type DetectedRelease, detectRelease, RELEASE_ENV_NAMES } from './release.ts'
export { flushSentry, type SentryShutdownHookOptions, sentryShutdownHook } from './shutdown.ts'
