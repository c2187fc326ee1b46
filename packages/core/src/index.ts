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
export type { Kit, ListenOptions } from './productionize/handle.ts'
export { productionize } from './productionize/productionize.ts'
