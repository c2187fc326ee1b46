import type { KitLogger } from '@kit/internal'

/**
 * Start-up warnings for configuration that is legal but unwise: each id is
 * logged once per process and can be silenced with `ignoreWarnings`.
 */
export interface Warnings {
  warn(id: string, message: string): void
  /** Ids warned so far (tests and `kit doctor` read them). */
  readonly emitted: readonly string[]
}

export function createWarnings(log: KitLogger, ignore: readonly string[]): Warnings {
  const emitted: string[] = []
  return {
    emitted,
    warn(id, message) {
      if (ignore.includes(id) || emitted.includes(id)) return
      emitted.push(id)
      log.warn({ warning: id }, `@kit/security: ${message} (silence with ignoreWarnings: ['${id}'])`)
    },
  }
}

/**
 * Per-request events (refused requests, bad CSP reports) are logged, but at
 * most `perMinute` lines per category each minute, so an attack cannot fill
 * the logs; the number dropped is reported with the next line.
 */
export interface EventLog {
  log(category: string, fields: Record<string, unknown>, message: string): void
}

export function createEventLog(log: KitLogger, perMinute: number, now: () => number = Date.now): EventLog {
  const windows = new Map<string, { start: number; count: number; dropped: number }>()
  return {
    log(category, fields, message) {
      const t = now()
      let window = windows.get(category)
      if (!window || t - window.start >= 60_000) {
        const dropped = window?.dropped ?? 0
        window = { start: t, count: 0, dropped: 0 }
        windows.set(category, window)
        if (dropped > 0) fields = { ...fields, droppedLogLines: dropped }
      }
      if (window.count >= perMinute) {
        window.dropped++
        return
      }
      window.count++
      log.warn({ security: category, ...fields }, message)
    },
  }
}
