import { createDebug, type KitLogger } from '@kit/internal'
import type { Knex } from 'knex'
import { createOutageLog } from '../outage.ts'

const debug = createDebug('flags')

/** What pg's Client offers a listener (structural, so pg stays an optional dependency). */
interface PgConnection {
  query(sql: string): Promise<unknown>
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown
  removeAllListeners(): unknown
  end(): Promise<void>
}

interface RawConnections {
  acquireRawConnection(): Promise<PgConnection>
}

export interface Listener {
  close(): Promise<void>
}

const MAX_BACKOFF_MS = 5000
const CONNECT_TIMEOUT_MS = 5000

/**
 * LISTEN on a dedicated connection, outside knex's pool (a pooled
 * connection goes back to the pool and stops listening). Reconnects with
 * backoff; after a reconnect `onResync` runs, since notifications sent
 * while it was away are lost.
 */
export function listenPostgres(
  knex: Knex,
  channel: string,
  handlers: { onMessage(payload: string): void; onResync(): void },
  log: KitLogger,
  outageLogIntervalMs: number,
): Listener {
  const client = knex.client as unknown as RawConnections
  const outage = createOutageLog(
    log,
    'Listening for flag changes (Postgres LISTEN)',
    'changes from other instances arrive with the next poll',
    outageLogIntervalMs,
  )
  let connection: PgConnection | undefined
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let backoff = 250
  let connectedBefore = false

  const schedule = () => {
    if (closed || timer) return
    timer = setTimeout(() => {
      timer = undefined
      void connect()
    }, backoff)
    timer.unref()
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
  }

  const connect = async () => {
    let candidate: PgConnection | undefined
    try {
      const acquiring = client.acquireRawConnection()
      candidate = await withTimeout(acquiring, CONNECT_TIMEOUT_MS, () => {
        acquiring.then(
          (late) => late.end().catch(() => {}),
          () => {},
        )
      })
      if (closed) return void (await candidate.end().catch(() => {}))
      const current = candidate
      current.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined) handlers.onMessage(message.payload)
      })
      current.on('error', (error) => {
        debug('listen connection error: %s', error?.message)
      })
      current.on('end', () => {
        if (connection !== current) return
        connection = undefined
        if (closed) return
        outage.failed(new Error('the LISTEN connection was closed'))
        schedule()
      })
      await current.query(`LISTEN "${channel}"`)
      connection = current
      backoff = 250
      outage.recovered()
      debug('listening on %s', channel)
      if (connectedBefore) handlers.onResync()
      connectedBefore = true
    } catch (error) {
      candidate?.removeAllListeners()
      candidate?.on('error', () => {})
      await candidate?.end().catch(() => {})
      if (closed) return
      outage.failed(error)
      schedule()
    }
  }

  void connect()
  return {
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      const current = connection
      connection = undefined
      if (current) {
        current.removeAllListeners()
        current.on('error', () => {})
        await current.end().catch(() => {})
      }
    },
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout()
      reject(new Error(`no connection within ${ms} ms`))
    }, ms)
    timer.unref()
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
