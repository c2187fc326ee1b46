import type { KitLogger } from '@kit/internal'

/**
 * Logs a failing dependency once when it starts failing, then at most once
 * per interval while it keeps failing, and once when it recovers: a
 * database outage must not write a line per poll or per reconnect.
 */
export interface OutageLog {
  failed(error: unknown): void
  recovered(): void
  readonly down: boolean
}

export function createOutageLog(
  log: KitLogger,
  what: string,
  consequence: string,
  intervalMs: number,
): OutageLog {
  let downSince: number | undefined
  let lastLogged = 0
  let failures = 0
  return {
    get down() {
      return downSince !== undefined
    },
    failed(error) {
      const now = Date.now()
      failures++
      if (downSince === undefined) downSince = now
      if (failures === 1 || now - lastLogged >= intervalMs) {
        lastLogged = now
        log.warn(
          { err: { message: (error as Error)?.message ?? String(error) }, failures, downMs: now - downSince },
          `${what} failed; ${consequence}`,
        )
      }
    },
    recovered() {
      if (downSince === undefined) return
      log.info({ downMs: Date.now() - downSince, failures }, `${what} works again`)
      downSince = undefined
      failures = 0
    },
  }
}
