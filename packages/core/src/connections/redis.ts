import type { KitLogger, KitRedis } from '@kit/internal'
import { createIoRedis } from './ioredis.ts'

export interface RedisConnectionOptions {
  /** A command fails after this long instead of waiting for Redis to come back. @default 1000 */
  commandTimeoutMs?: number
  /** @default 2000 */
  connectTimeoutMs?: number
  /** Longest pause between reconnection attempts. @default 2000 */
  maxReconnectDelayMs?: number
  /** Verify the server certificate on rediss:// (Heroku Redis uses self-signed ones). @default true, false on Heroku */
  rejectUnauthorized?: boolean
}

export interface RedisEnv {
  REDIS_URL?: string | undefined
  DYNO?: string | undefined
}

/**
 * ioredis with fail-fast settings: while Redis is down a command fails
 * within `commandTimeoutMs` (never an endless wait), and the client keeps
 * reconnecting by itself with capped backoff. Callers (rate limits, flags)
 * decide whether to fail open or closed.
 */
export function createRedis(
  env: RedisEnv,
  options: RedisConnectionOptions = {},
  context: { log?: KitLogger } = {},
): KitRedis {
  // Typed as KitRedis: this file's .d.ts is public and must not import ioredis (an optional peer).
  return createIoRedis(env, options, context) as unknown as KitRedis
}
