export type { AlertStatus } from './alerts/engine.ts'
export type { AlertNotice } from './alerts/notice.ts'
export { LAUNCH_PRESET } from './alerts/presets.ts'
export { errors, type MetricsErrorCode } from './errors.ts'
export { OTHER_ROUTE, UNMATCHED_ROUTE } from './http/labels.ts'
export { type AlertingSummary, createMetrics, type Metrics } from './metrics.ts'
export { type Notifier, NotifyError } from './notifiers/notifier.ts'
export { slackMessage } from './notifiers/slack.ts'
export type { KnexLike } from './observe/knex.ts'
export type { RedisLike } from './observe/redis.ts'
export type {
  AlertLockOptions,
  AlertRuleKind,
  AlertRuleOptions,
  AlertSeverity,
  AlertsOptions,
  LockClient,
  MailerLike,
  MailNotifierOptions,
  MetricsContext,
  MetricsEnv,
  MetricsOptions,
  NotifyOptions,
  SlackNotifierOptions,
} from './options.ts'
