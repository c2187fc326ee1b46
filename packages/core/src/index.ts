// The env building blocks kit.config.ts needs, so an app imports them from one place.
export { bool, bytes, duration, int, type KitEnv, list, oneOf, secret, url, z } from '@kit/env'
export type { ErrorInfo, ErrorRenderer } from '@kit/internal'
// Express's req.id, req.log and res.locals.cspNonce: on the global Express namespace, so they compile without Express.
// Fastify's augmentations (reply.cspNonce, route config) import fastify: they come with @kit/core/fastify.
export type {} from '@kit/logger'
export type {} from '@kit/security'
export {
  CONFIG_FILES,
  type DefinedConfig,
  defineConfig,
  findConfigFile,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from './config/index.ts'
export type { KitConfig } from './config/types.ts'
export {
  createDatabase,
  type Database,
  type DatabaseEnv,
  type DatabaseOptions,
} from './connections/database.ts'
export { type DatabaseSslMode, type ParsedDatabaseUrl, parseDatabaseUrl } from './connections/database-url.ts'
export { createRedis, type RedisConnectionOptions, type RedisEnv } from './connections/redis.ts'
export {
  type TrustProxyForFrameworks,
  type TrustProxySetting,
  trustProxyFor,
} from './connections/trust-proxy.ts'
export { type ErrorResponse, type ErrorResponseOptions, errorResponse } from './errors/error-response.ts'
export { fastifyOptions } from './productionize/fastify-options.ts'
export type { Kit, ListenOptions, OnShutdownOptions, ShutdownPhase } from './productionize/handle.ts'
export { productionize } from './productionize/productionize.ts'
export type { StartupWarning } from './productionize/startup-warnings.ts'
export { DEFAULT_SERVER_TIMEOUTS, type ServerTimeoutOptions } from './server/timeouts.ts'
