import type { KitLogger } from '@kit/internal'
import type { Notifier } from './notifier.ts'

/** A log line per notice: error for critical, warn for warning, info when resolved. */
export function logNotifier(log: KitLogger): Notifier {
  return {
    name: 'log',
    retries: 0,
    send(notice) {
      const alert = {
        rule: notice.rule,
        kind: notice.kind,
        severity: notice.severity,
        state: notice.state,
        value: notice.value,
        threshold: notice.threshold,
        count: notice.count,
        windowMs: notice.windowMs,
      }
      const message = `alert ${notice.state}: ${notice.rule}: ${notice.summary}`
      if (notice.state === 'resolved') log.info({ alert }, message)
      else if (notice.severity === 'critical') log.error({ alert }, message)
      else log.warn({ alert }, message)
    },
  }
}
