export const errors = {
  KIT_METRICS_INVALID_OPTION: {
    when: 'An option of createMetrics() (or its env counterpart such as METRICS_PORT) has a value it cannot use, or its name is unknown.',
    fix: 'Correct the setting the message names: durations are whole milliseconds, percentages 0–100, the path starts with "/".',
  },
  KIT_METRICS_INVALID_RULE: {
    when: 'An alert rule (alerts.rules in kit.config) names an unknown kind, misses its threshold, or has a value out of range.',
    fix: 'Give each rule a known `kind` (latency, errorRate, dbLatency, eventLoopDelay, memory) and the threshold that kind takes; see docs/metrics-and-alerts.md.',
  },
  KIT_METRICS_INVALID_WEBHOOK: {
    when: 'The Slack webhook URL (alerts.notify.slack.webhookUrl or SLACK_WEBHOOK_URL) is not an https URL.',
    fix: 'Paste the incoming-webhook URL Slack gave you (https://hooks.slack.com/services/...); plain http is only accepted for loopback test receivers.',
  },
  KIT_METRICS_MIDDLEWARE_NOT_CALLED: {
    when: 'An adapter was used without being given the instance createMetrics() returned.',
    fix: 'Call it with the instance: `app.use(metricsMiddleware(metrics))`, `app.use(metricsRoute(metrics))`, `fastify.register(kitMetrics, { metrics })`.',
  },
  KIT_METRICS_NOT_OBSERVABLE: {
    when: 'observeKnex(), observeRedis() or observeMailer() was given something that is not a knex instance, an ioredis client or a mailer.',
    fix: 'Pass the object itself: `metrics.observeKnex(kit.db)`, `metrics.observeRedis(kit.redis)`, `metrics.observeMailer(kit.mailer)`.',
  },
  KIT_METRICS_LISTEN_FAILED: {
    when: 'The separate metrics server (METRICS_PORT) could not listen, usually because the port is taken.',
    fix: 'Pick a free port for METRICS_PORT (it must differ from PORT), or unset it to serve /metrics on the app itself.',
  },
} as const

export type MetricsErrorCode = keyof typeof errors
