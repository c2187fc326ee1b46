export {
  type HealthCheck,
  type HealthCheckResult,
  type HealthStatus,
  type KitLogger,
  type ShutdownHook,
  type SkipRequest,
  silentLogger,
} from './contracts.ts'
export { createDebug, type DebugLogger } from './debug.ts'
export {
  ERRORS_DOC,
  type ErrorCodeInfo,
  type ErrorTable,
  isKitError,
  KitError,
  type KitErrorOptions,
} from './kit-error.ts'
export { knexLogOptions } from './knex-log.ts'
export { isPrivateAddress } from './network.ts'
export { importOptional, requireOptional } from './optional-import.ts'
export {
  addKnownSecret,
  clearKnownSecrets,
  isSensitiveKey,
  MIN_KNOWN_SECRET_LENGTH,
  normaliseKey,
  REDACTED,
  type RedactOptions,
  redact,
  redactString,
  SENSITIVE_KEY_SUFFIXES,
} from './redact.ts'
