import type { KitLogger } from '@kit/internal'

/** The ids of @kit/security's start-up warnings (docs/security.md, "Start-up warnings"). */
export type SecurityWarning =
  | 'cors-insecure-origin'
  | 'csp-broad-script-src'
  | 'csp-insecure-source'
  | 'csp-no-script-src'
  | 'csp-report-only'
  | 'csp-unsafe-eval'
  | 'csp-unsafe-inline'
  | 'hosts-unchecked'
  | 'https-redirect-off'
  | 'referrer-policy-unsafe'
  | 'untrusted-forwarded-proto'

/**
 * Start-up warnings for configuration that is legal but unwise: each id is
 * logged once per process and can be silenced with `silenceWarnings`, the
 * option name kit.config uses for its own start-up warnings too.
 */
export interface Warnings {
  warn(id: string, message: string): void
  /** Ids warned so far (tests and `kit doctor` read them). */
  readonly emitted: readonly string[]
}

export function createWarnings(log: KitLogger, silenced: readonly string[]): Warnings {
  const emitted: string[] = []
  return {
    emitted,
    warn(id, message) {
      if (silenced.includes(id) || emitted.includes(id)) return
      emitted.push(id)
      log.warn({ warning: id }, `@kit/security: ${message} (silence with silenceWarnings: ['${id}'])`)
    },
  }
}

/**
 * Per-request events (refused requests, bad CSP reports) are logged, but at
 * most `perMinute` lines per category each minute, so an attack cannot fill
 * the logs; the number dropped is reported with the next line.
 */
/**
 * `silenceWarnings`, with the name it had before (`ignoreWarnings`, kept
 * working) merged in; using the old name logs how to rename it.
 */
export function silencedWarnings(
  options: { silenceWarnings?: readonly string[]; ignoreWarnings?: readonly string[] },
  log: KitLogger,
): readonly string[] {
  if (options.ignoreWarnings === undefined) return options.silenceWarnings ?? []
  log.warn(
    { deprecated: 'ignoreWarnings' },
    '@kit/security: the `ignoreWarnings` option is now `silenceWarnings` (the name kit.config uses for every start-up warning); rename it. ignoreWarnings still works for now.',
  )
  return [...(options.silenceWarnings ?? []), ...options.ignoreWarnings]
}

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
