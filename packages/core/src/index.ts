// The env building blocks kit.config.ts needs, so an app imports them from one place.
export { bool, bytes, duration, int, type KitEnv, list, oneOf, secret, url } from '@kit/env'
export type { ErrorInfo, ErrorRenderer } from '@kit/internal'
// Fastify type augmentations (reply.cspNonce, route config.rateLimit / config.csrf) come with @kit/core.
export type { KitRateLimitOptions } from '@kit/rate-limit/fastify'
export type { KitSecurityPluginOptions } from '@kit/security/fastify'
export { z } from 'zod'
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
export { fastifyOptions } from './productionize/fastify.ts'
export type { Kit, ListenOptions, OnShutdownOptions, ShutdownPhase } from './productionize/handle.ts'
export { productionize } from './productionize/productionize.ts'
export type { StartupWarning } from './productionize/startup-warnings.ts'
export { DEFAULT_SERVER_TIMEOUTS, type ServerTimeoutOptions } from './server/timeouts.ts'
