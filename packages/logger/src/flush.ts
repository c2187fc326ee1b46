import type { ShutdownHook } from '@kit/internal'
import type { Logger } from 'pino'
import { readPino } from './pino-internals.ts'

interface SonicBoomLike {
  flushSync(): void
  fd: number
  destroyed: boolean
  _writing?: boolean
}

interface FlushableStream {
  flush?(callback: (error?: Error) => void): void
  flushSync?(): void
  writableNeedDrain?: boolean
  once?(event: string, listener: () => void): void
}

/**
 * Writes out whatever the logger still holds; resolves within `timeoutMs`
 * whatever happens (pino.final is gone in pino 10). A sync destination (kit's
 * default) has nothing pending; an async SonicBoom is drained and then
 * written synchronously; a transport (worker thread) or any stream with
 * flush(cb) is asked to flush; a plain Writable is waited on until it drains.
 */
export async function flushLogger(log: Logger, timeoutMs = 2000): Promise<void> {
  // By description: an app's own pino instance may come from another copy of pino than kit's.
  const stream = readPino<FlushableStream>(log, 'stream')
  if (!stream) return
  const deadline = Date.now() + timeoutMs
  if (typeof stream.flushSync === 'function' && 'fd' in stream) {
    const boom = stream as unknown as SonicBoomLike
    // An async write in flight cannot be joined synchronously: wait for it, then write the rest.
    while (boom._writing === true && Date.now() < deadline) await sleep(5)
    if (!boom.destroyed && boom.fd >= 0) {
      try {
        boom.flushSync()
      } catch {
        // A closed or broken stdout: nothing more can be written.
      }
    }
    return
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
    const finish = () => {
      clearTimeout(timer)
      resolve()
    }
    if (typeof stream.flush === 'function') stream.flush(finish)
    else if (stream.writableNeedDrain === true && typeof stream.once === 'function')
      stream.once('drain', finish)
    else finish()
  })
}

/** The logger's step of graceful shutdown: runs last (registered first), flushes what is left. */
export function loggerShutdownHook(log: Logger, timeoutMs = 2000): ShutdownHook {
  return { name: 'logger', close: () => flushLogger(log, timeoutMs), timeoutMs: timeoutMs + 500 }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
