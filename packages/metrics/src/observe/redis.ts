import { KitError } from '@kit/internal'
import type { Counter } from 'prom-client'

/** The part of an ioredis client observed: its 'error' event and sendCommand(). */
export interface RedisLike {
  on(event: 'error', listener: (error: Error) => void): unknown
  off?(event: 'error', listener: (error: Error) => void): unknown
  sendCommand(command: any, ...rest: any[]): unknown
}

const MAX_COMMAND_LABELS = 100

/**
 * Counts Redis connection errors (the client's 'error' event) and failed
 * commands by name. Every command passes through sendCommand(), so one
 * wrapper per client sees them all; it only adds a rejection handler to the
 * command's promise. Returns a function that restores the client.
 */
export function observeRedis(
  redis: RedisLike,
  commandErrors: Counter<'command'>,
  connectionErrors: Counter,
): () => void {
  if (
    !redis ||
    typeof redis !== 'object' ||
    typeof redis.on !== 'function' ||
    typeof redis.sendCommand !== 'function'
  ) {
    throw new KitError(
      'KIT_METRICS_NOT_OBSERVABLE',
      'observeRedis() needs an ioredis client (it listens to "error" and wraps sendCommand()): metrics.observeRedis(kit.redis).',
    )
  }
  const onError = () => connectionErrors.inc()
  redis.on('error', onError)
  const names = new Set<string>()
  const label = (name: unknown): string => {
    const command = typeof name === 'string' ? name.toLowerCase() : 'unknown'
    if (names.has(command)) return command
    if (names.size >= MAX_COMMAND_LABELS) return 'other'
    names.add(command)
    return command
  }
  const original = redis.sendCommand
  const wrapped = function (
    this: RedisLike,
    command: { name?: unknown; promise?: Promise<unknown> },
    ...rest: any[]
  ) {
    command?.promise?.then(undefined, () => commandErrors.inc({ command: label(command.name) }))
    return original.call(this, command, ...rest)
  }
  redis.sendCommand = wrapped
  return () => {
    redis.off?.('error', onError)
    if (redis.sendCommand === wrapped) redis.sendCommand = original
  }
}
