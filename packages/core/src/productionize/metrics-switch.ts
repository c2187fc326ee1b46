import type { KitEnv } from '@kit/env'
import type { KitLogger } from '@kit/internal'
import type { Metrics } from '@kit/metrics'
import type { KitConfig } from '../config/types.ts'

/** The parts of the env that turn metrics on (types only: @kit/metrics stays unloaded while they are unset). */
type SwitchEnv = Partial<
  Pick<KitEnv, 'METRICS_TOKEN' | 'METRICS_PORT' | 'SLACK_WEBHOOK_URL' | 'ALERT_EMAIL_TO'>
>

/**
 * What turned metrics on, in words for the start-up line, or undefined when
 * they stay off. docs/metrics-and-alerts.md ("What turns alerting on") lists
 * the same triggers: a `metrics` section in kit.config, METRICS_TOKEN,
 * METRICS_PORT, or a notifier (SLACK_WEBHOOK_URL, ALERT_EMAIL_TO), since
 * whoever sets a webhook expects alerts. `metrics: false` wins over all.
 */
export function metricsTrigger(config: KitConfig, env: SwitchEnv, log: KitLogger): string | undefined {
  const notifiers = [
    env.SLACK_WEBHOOK_URL ? 'SLACK_WEBHOOK_URL' : '',
    env.ALERT_EMAIL_TO?.length ? 'ALERT_EMAIL_TO' : '',
  ].filter(Boolean)
  if (config.metrics === false) {
    if (notifiers.length > 0) {
      log.warn(
        `${notifiers.join(' and ')} ${notifiers.length > 1 ? 'are' : 'is'} set, but kit.config has \`metrics: false\`, which turns metrics and alerts off: no alert notice will be sent. Remove \`metrics: false\` to get alerts, or unset ${notifiers.join(' and ')}.`,
      )
    }
    return undefined
  }
  if (config.metrics !== undefined) return 'kit.config metrics'
  const set = [
    ...notifiers,
    env.METRICS_TOKEN ? 'METRICS_TOKEN' : '',
    env.METRICS_PORT !== undefined ? 'METRICS_PORT' : '',
  ].filter(Boolean)
  return set.length > 0 ? set.join(', ') : undefined
}

/** The start-up line's words for metrics and alerting: where /metrics answers, which rules notify whom, and why they are on. */
export function metricsFeatures(
  metrics: Metrics,
  trigger: string,
  config: KitConfig,
  env: SwitchEnv,
): string[] {
  const port = (config.metrics === false ? undefined : config.metrics)?.port ?? env.METRICS_PORT
  const where = port === undefined ? metrics.path : `${metrics.path} on port ${port}`
  const features = [`metrics (${where}; on by ${trigger})`]
  const alerting = metrics.alerting
  if (alerting) {
    features.push(
      `alerts for ${alerting.service}: ${alerting.rules.join(', ') || 'no rules'} → ${alerting.notifiers.join(', ') || 'nobody'}`,
    )
  }
  return features
}
