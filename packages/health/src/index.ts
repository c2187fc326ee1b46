export { type DbCheckOptions, dbCheck, type KnexLike } from './checks/database.ts'
export { type MailerCheckOptions, type MailerLike, mailerCheck } from './checks/mailer.ts'
export { type RedisCheckOptions, type RedisLike, redisCheck } from './checks/redis.ts'
export {
  type EventLoopCheckOptions,
  eventLoopCheck,
  type MemoryCheckOptions,
  memoryCheck,
} from './checks/system.ts'
export { errors } from './errors.ts'
export { createHealth, Health, type HealthState } from './health.ts'
export type { LoadSample } from './load-monitor.ts'
export type {
  HealthCheckInput,
  HealthContext,
  HealthEnv,
  HealthOptions,
  HealthPaths,
  LoadSheddingOptions,
} from './options.ts'
export type { HealthEndpoint } from './paths.ts'
export type { HealthCheckEntry, HealthReport, HealthResponse } from './report.ts'
export type { ShutdownOutcome } from './shutdown.ts'
export { SHUTDOWN_PHASES, type ShutdownPhase } from './shutdown-phases.ts'
