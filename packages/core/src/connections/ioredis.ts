import { createDebug, KitError, type KitLogger, requireOptional, silentLogger } from '@kit/internal'
import type { Redis, RedisOptions } from 'ioredis'
import type { RedisConnectionOptions, RedisEnv } from './redis.ts'

const debug = createDebug('core')

/** createRedis() with the full ioredis type, for kit's own code (not exported from @kit/core: its .d.ts imports ioredis). */
export function createIoRedis(
  env: RedisEnv,
  options: RedisConnectionOptions = {},
  context: { log?: KitLogger } = {},
): Redis {
  if (!env.REDIS_URL)
    throw new KitError(
      'KIT_CORE_REDIS_NOT_CONFIGURED',
      'kit.redis needs REDIS_URL (or REDIS_TLS_URL) to be set.',
    )
  const log = context.log ?? silentLogger
  const { Redis: RedisClient } = requireOptional<typeof import('ioredis')>('ioredis', 'REDIS_URL')
  const url = new URL(env.REDIS_URL)
  const maxDelay = options.maxReconnectDelayMs ?? 2000
  const redisOptions: RedisOptions = {
    lazyConnect: false,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    // One attempt per command: a queued retry is what hangs requests during an outage.
    maxRetriesPerRequest: 1,
    // The offline queue stays on so commands issued during the first connect
    // succeed, but commandTimeout is armed before a command is queued
    // (ioredis Redis#sendCommand), so nothing waits longer than that.
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    ...(url.protocol === 'rediss:'
      ? { tls: { rejectUnauthorized: options.rejectUnauthorized ?? !env.DYNO } }
      : {}),
  }
  const client = new RedisClient(env.REDIS_URL, redisOptions)
  let downSince: number | undefined
  // Without an 'error' listener ioredis prints every failed reconnect; log the outage once instead.
  client.on('error', (error: Error) => {
    if (downSince === undefined) {
      downSince = Date.now()
      log.warn(
        { err: { message: error.message } },
        'Redis is unreachable; commands fail fast until it returns',
      )
    }
  })
  client.on('ready', () => {
    if (downSince !== undefined) {
      log.info({ downMs: Date.now() - downSince }, 'Redis is reachable again')
      downSince = undefined
    }
  })
  debug('redis: %s tls=%s', `${url.hostname}:${url.port || 6379}`, url.protocol === 'rediss:')
  return client
}
