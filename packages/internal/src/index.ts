export {
  type HealthCheck,
  type HealthCheckResult,
  type HealthStatus,
  type KitLogger,
  type KitRedis,
  type ShutdownHook,
  type SkipRequest,
  silentLogger,
} from './contracts.ts'
export { currentRequestId, provideCurrentRequestId } from './current-request.ts'
export {
  type DatabaseSslMode,
  type DatabaseTls,
  isLocalDatabaseHost,
  resolveDatabaseSsl,
} from './database-ssl.ts'
export {
  type DatabaseDialect,
  type DatabaseUrl,
  describeDatabaseUrl,
  parseDatabaseUrl,
} from './database-url.ts'
export { createDebug, type DebugLogger } from './debug.ts'
export { envSecretValues, isSecretEnvName, looksLikeSecret } from './env-secrets.ts'
export {
  attachErrorRenderer,
  type ErrorBody,
  type ErrorInfo,
  type ErrorRenderer,
  errorBody,
  errorJson,
  errorRendererOf,
  errorTitle,
  escapeHtml,
  prefersHtml,
  renderError,
} from './error-body.ts'
export { fastifyRouteConfig } from './fastify-route-config.ts'
export { InFlightEntry, InFlightList } from './in-flight-list.ts'
export { ipv6SubnetKey } from './ip-subnet.ts'
export { ensureDirectory, ensureDirectoryAsync, KIT_DIRECTORY_GITIGNORE } from './kit-directory.ts'
export {
  ERRORS_DOC,
  type ErrorCodeInfo,
  type ErrorTable,
  isKitError,
  KitError,
  type KitErrorOptions,
} from './kit-error.ts'
export { knexLogOptions } from './knex-log.ts'
export { nativeImport } from './native-import.ts'
export { clientAddress, isPrivateAddress, normalizeAddress, parseAddress } from './network.ts'
export { importOptional, requireOptional } from './optional-import.ts'
export { type ConfiguredOrigin, parseConfiguredOrigin } from './origin.ts'
export { createProbeAccess, type ProbeAccessOptions } from './probe-access.ts'
export {
  addKnownSecret,
  clearKnownSecrets,
  isSensitiveKey,
  MIN_KNOWN_SECRET_LENGTH,
  normaliseKey,
  REDACTED,
  type RedactOptions,
  redact,
  redactKnownSecrets,
  redactString,
  SENSITIVE_KEY_SUFFIXES,
} from './redact.ts'
export { attachRefusal, refusalOf } from './refusal.ts'
export {
  type DetectedRelease,
  detectRelease,
  RELEASE_ENV_NAMES,
  RELEASE_SOURCES,
  type ReleaseSource,
} from './release.ts'
export {
  EXPRESS_FACTS,
  FASTIFY_FACTS,
  type FrameworkFacts,
  knownRequestFacts,
  type RequestFacts,
  requestFacts,
} from './request-facts.ts'
export { NO_PATH, pathIsUnder, routedPath, routedPathOf } from './request-target.ts'
export {
  DEFAULT_SERVER_TIMEOUTS,
  MAX_REASONABLE_TIMEOUTS,
  PROXY_IDLE_TIMEOUT_MS,
  type ServerTimeouts,
} from './server-timeouts.ts'
export { type ClosestOptions, closestName, didYouMean, editDistance } from './suggest.ts'
export { parseBytes, parseDurationMs } from './units.ts'
