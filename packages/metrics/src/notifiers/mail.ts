import type { AlertNotice } from '../alerts/notice.ts'
import { formatValue, formatWindow } from '../alerts/notice.ts'
import type { MailerLike } from '../options.ts'
import type { Notifier } from './notifier.ts'

/**
 * Alert mail through the app's mailer (@kit/mailer), which already retries
 * and fails over between providers: this notifier adds no retries of its own.
 */
export function mailNotifier(mailer: () => MailerLike, to: string[], subjectPrefix: string): Notifier {
  return {
    name: 'mail',
    retries: 0,
    async send(notice) {
      await mailer().send({ to, subject: mailSubject(notice, subjectPrefix), text: mailText(notice) })
    },
  }
}

export function mailSubject(notice: AlertNotice, prefix: string): string {
  const state =
    notice.state === 'resolved' ? 'resolved' : notice.severity === 'critical' ? 'CRITICAL' : 'warning'
  const { service, environment } = notice.labels
  return `${prefix} ${state}: ${notice.rule} on ${service ?? 'app'} (${environment ?? 'unknown'})`.trim()
}

export function mailText(notice: AlertNotice): string {
  const { service, environment, instance, release } = notice.labels
  return [
    notice.state === 'resolved' ? `Resolved: ${notice.summary}.` : `${notice.summary}.`,
    '',
    `Rule:        ${notice.rule} (${notice.kind}, ${notice.severity})`,
    `Value:       ${formatValue(notice.kind, notice.value)}`,
    `Threshold:   ${formatValue(notice.kind, notice.threshold)}`,
    `Window:      ${formatWindow(notice.windowMs)}`,
    `Service:     ${service ?? 'app'} (${environment ?? 'unknown'}), release ${release ?? 'unknown'}`,
    `Instance:    ${instance ?? 'unknown'}`,
    `Since:       ${notice.since.toISOString()}`,
    ...(notice.appUrl ? ['', `App: ${notice.appUrl}`] : []),
    '',
    '-- @kit/metrics alerting (docs/metrics-and-alerts.md)',
  ].join('\n')
}
