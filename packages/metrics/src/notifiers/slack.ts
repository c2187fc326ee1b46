import type { AlertNotice } from '../alerts/notice.ts'
import { formatValue, formatWindow } from '../alerts/notice.ts'
import { type Notifier, NotifyError } from './notifier.ts'

/**
 * Posts to a Slack incoming webhook: a text fallback (notifications,
 * screen readers) and blocks with the numbers, the instance and a button to
 * APP_URL. The URL is a secret: no message here ever contains it.
 */
export function slackNotifier(webhookUrl: string): Notifier {
  return {
    name: 'slack',
    async send(notice, signal) {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(notice)),
        signal,
      })
      const body = (await response.text()).slice(0, 200)
      if (response.ok) return
      const retryAfter = Number(response.headers.get('retry-after'))
      throw new NotifyError(
        `Slack answered ${response.status}${body ? ` "${body.replace(/\s+/g, ' ')}"` : ''}`,
        {
          // 4xx (no_service, invalid_payload, channel_is_archived) stay wrong until someone fixes the webhook.
          permanent: response.status >= 400 && response.status < 500 && response.status !== 429,
          ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        },
      )
    },
  }
}

const ICON = { critical: ':red_circle:', warning: ':large_orange_circle:', resolved: ':large_green_circle:' }

/** The webhook payload (exported for docs and tests). */
export function slackMessage(notice: AlertNotice): { text: string; blocks: unknown[] } {
  const resolved = notice.state === 'resolved'
  const icon = resolved ? ICON.resolved : ICON[notice.severity]
  const { service, environment, instance, release } = notice.labels
  const title = `${resolved ? 'Resolved' : notice.severity === 'critical' ? 'Critical' : 'Warning'}: ${notice.rule} on ${service ?? 'app'} (${environment ?? 'unknown'})`
  const text = `${icon} ${title}: ${notice.summary}`
  const fields = [
    field('Value', formatValue(notice.kind, notice.value)),
    field('Threshold', formatValue(notice.kind, notice.threshold)),
    field('Window', formatWindow(notice.windowMs)),
    field('Observations', notice.count.toLocaleString('en-US')),
    field('Instance', instance ?? 'unknown'),
    field('Release', release ?? 'unknown'),
  ]
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${resolved ? 'Resolved' : notice.severity.toUpperCase()}: ${notice.rule}`.slice(0, 150),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${icon} *${escapeMrkdwn(title)}*\n${escapeMrkdwn(notice.summary)}` },
    },
    { type: 'section', fields },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${resolved ? 'Firing since' : 'Since'} <!date^${Math.floor(notice.since.getTime() / 1000)}^{date_short_pretty} {time_secs}|${notice.since.toISOString()}>`,
        },
      ],
    },
  ]
  if (notice.appUrl) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the app' }, url: notice.appUrl }],
    })
  }
  return { text, blocks }
}

function field(name: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: `*${name}*\n${escapeMrkdwn(value)}` }
}

/** Slack mrkdwn control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
