import { createDebug, type KitLogger } from '@kit/internal'
import type { Redis } from 'ioredis'
import { createOutageLog } from '../outage.ts'
import type { Listener } from './postgres.ts'

const debug = createDebug('flags')

/**
 * SUBSCRIBE on a duplicate of the app's client (a subscribed connection can
 * run no other command). ioredis reconnects and resubscribes by itself;
 * each time it is ready again `onResync` runs, since messages published
 * while it was away are lost.
 */
export function subscribeRedis(
  redis: Redis,
  channel: string,
  handlers: { onMessage(payload: string): void; onResync(): void },
  log: KitLogger,
  outageLogIntervalMs: number,
): Listener {
  const outage = createOutageLog(
    log,
    'Listening for flag changes (Redis pub/sub)',
    'changes from other instances arrive with the next poll',
    outageLogIntervalMs,
  )
  // Resubscribed by hand on every 'ready' (not ioredis's autoResubscribe), so a
  // subscription that failed while Redis was down is retried too.
  const subscriber = redis.duplicate({ autoResubscribe: false, lazyConnect: false })
  let readyBefore = false
  let closed = false
  subscriber.on('error', (error: Error) => outage.failed(error))
  subscriber.on('message', (received: string, payload: string) => {
    if (received === channel) handlers.onMessage(payload)
  })
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        if (closed) return
        debug('subscribed to %s', channel)
        outage.recovered()
        if (readyBefore) handlers.onResync()
        readyBefore = true
      },
      (error: Error) => {
        if (!closed) outage.failed(error)
      },
    )
  })
  return {
    async close() {
      closed = true
      subscriber.removeAllListeners('message')
      subscriber.removeAllListeners('ready')
      subscriber.disconnect()
    },
  }
}
