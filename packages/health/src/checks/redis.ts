import { type HealthCheck, KitError } from '@kit/internal'

/** The part of an ioredis client the check uses. */
export interface RedisLike {
  ping(): Promise<unknown>
  /** ioredis' connection state; anything but 'ready' fails at once instead of queueing a PING. */
  status?: string
}

export interface RedisCheckOptions {
  /** @default 'redis' */
  name?: string
  /** A failing Redis makes readiness 503. @default true */
  critical?: boolean
  /** @default 2000 */
  timeoutMs?: number
  /** @default 0 */
  cacheForMs?: number
}

/** PING. A client that is reconnecting fails at once: its offline queue would hold the PING until the timeout. */
export function redisCheck(redis: RedisLike, options: RedisCheckOptions = {}): HealthCheck {
  if (!redis || typeof redis.ping !== 'function') {
    throw new KitError(
      'KIT_HEALTH_INVALID_CHECK',
      'redisCheck(redis) needs an ioredis client (an object with ping()).',
    )
  }
  return {
    name: options.name ?? 'redis',
    critical: options.critical ?? true,
    timeoutMs: options.timeoutMs ?? 2000,
    cacheForMs: options.cacheForMs ?? 0,
    async check() {
      const status = redis.status
      // 'wait' is a lazyConnect client not yet connected: PING connects it.
      if (status !== undefined && status !== 'ready' && status !== 'wait') {
        return { status: 'fail', output: `connection is ${status}` }
      }
      await redis.ping()
    },
  }
}
