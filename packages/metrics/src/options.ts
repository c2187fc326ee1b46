import type { KitLogger, SkipRequest } from '@kit/internal'
import type { Registry } from 'prom-client'

export type AlertSeverity = 'critical' | 'warning'

/**
 * What a rule measures, always over its own sliding window of recent
 * observations (never from the registry's cumulative counters):
 * - `latency`: a percentile of request durations (`thresholdMs`, `minRequests`)
 * - `errorRate`: the share of 5xx responses (`thresholdPercent`, `minRequests`)
 * - `dbLatency`: a percentile of database query durations (`thresholdMs`, `minQueries`)
 * - `eventLoopDelay`: a percentile of event-loop lag, weighted by time (`thresholdMs`)
 * - `memory`: average memory use, in percent of the limit (`thresholdPercent`)
 */
export type AlertRuleKind = 'latency' | 'errorRate' | 'dbLatency' | 'eventLoopDelay' | 'memory'

/** One alert rule. Over a preset rule of the same name, only the fields given change. */
export interface AlertRuleOptions {
  /** What is measured. Optional when it overrides a preset rule. */
  kind?: AlertRuleKind
  /** @default the preset's, else 'warning' */
  severity?: AlertSeverity
  /** latency, dbLatency, eventLoopDelay: which percentile (50–99.9). @default 95 */
  percentile?: number
  /** latency, dbLatency, eventLoopDelay: fires when the percentile is at or above this. */
  thresholdMs?: number
  /** errorRate, memory: fires when the value is at or above this percentage (0–100). */
  thresholdPercent?: number
  /** latency, errorRate: below this many requests in the window the rule cannot fire. @default 20 */
  minRequests?: number
  /** dbLatency: below this many queries in the window the rule cannot fire. @default 20 */
  minQueries?: number
  /** The sliding window the value is computed over. @default 300_000 (5 minutes) */
  windowMs?: number
  /** After a notice, no new incident of this rule is announced for this long. @default 300_000 */
  cooldownMs?: number
  /** Send a notice when the rule stops firing. @default true */
  recovery?: boolean
}

export interface SlackNotifierOptions {
  /** An incoming-webhook URL. It is a secret: never logged. @default env SLACK_WEBHOOK_URL */
  webhookUrl?: string
}

export interface MailNotifierOptions {
  /** Recipients of alert mail (sent through the mailer in context). @default env ALERT_EMAIL_TO (comma-separated) */
  to?: string | string[]
  /** @default '[alert]' */
  subjectPrefix?: string
}

export interface NotifyOptions {
  /** Slack incoming webhook; `false` turns it off. @default on when a webhook URL is known */
  slack?: SlackNotifierOptions | false
  /** Mail through the mailer of the context; `false` turns it off. @default on when recipients and a mailer are known */
  mail?: MailNotifierOptions | false
  /** A log line per notice (error for critical, warn for warning, info for recovery). @default true */
  log?: boolean
  /** Upper bound on one delivery attempt. @default 5000 */
  timeoutMs?: number
  /** Further attempts after a failed delivery. @default 3 */
  retries?: number
  /** Wait before the first retry; it doubles on each retry. @default 1000 */
  retryDelayMs?: number
}

export interface AlertLockOptions {
  /** Prefix of the lock keys in Redis. @default 'kit:metrics:alert:' */
  prefix?: string
  /** Upper bound on the SET NX call; past it the notice is sent anyway. @default 1000 */
  timeoutMs?: number
}

export interface AlertsOptions {
  /** `launch`: the launch-plan thresholds (docs/metrics-and-alerts.md); `none`: only `rules`. @default 'launch' */
  preset?: 'launch' | 'none'
  /** Rules by name, merged over the preset's; `false` turns a preset rule off. @default {} */
  rules?: Record<string, AlertRuleOptions | false>
  /** How often rules are evaluated. @default 10_000 */
  intervalMs?: number
  notify?: NotifyOptions
  /**
   * With several instances, one Redis key per incident (SET NX PX) so that one
   * instance announces it. `false` turns it off.
   * @default on when the context has a Redis client
   */
  lock?: AlertLockOptions | false
}

export interface MetricsOptions {
  /** `false`: no recording, no endpoint, no alerts (the adapters pass requests through). @default true */
  enabled?: boolean
  /** Where the Prometheus text is served. @default '/metrics' */
  path?: string
  /** Bearer token that unlocks the endpoint from anywhere. @default env METRICS_TOKEN */
  token?: string
  /** Serve requests from loopback and private networks (not forwarded from a public address) without the token. @default true */
  trustPrivateNetwork?: boolean
  /** Serve the endpoint on its own node:http server on this port instead of the app. @default env METRICS_PORT */
  port?: number
  /** Interface of the separate server. @default '0.0.0.0' in production, else '127.0.0.1' */
  host?: string
  /** Prefix of every metric name, process metrics included. @default '' */
  prefix?: string
  /** Labels on every series, over the computed service, environment, release and instance. @default {} */
  labels?: Record<string, string>
  /**
   * The `service` label, and the app's name in alert notices.
   * @default the platform's app name (HEROKU_APP_NAME, FLY_APP_NAME, RENDER_SERVICE_NAME, RAILWAY_SERVICE_NAME, K_SERVICE), else the name in the app's package.json (nearest to the entry script, else to `cwd`), else npm_package_name, else 'app'
   */
  service?: string
  /** Buckets of the request-duration histogram, in seconds. @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10] */
  durationBuckets?: number[]
  /** Buckets of the query-duration histogram, in seconds. @default [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] */
  queryBuckets?: number[]
  /** prom-client's process metrics (CPU, heap, RSS, GC, event-loop lag, handles). @default true */
  processMetrics?: boolean
  /** Distinct route labels kept; past it new routes are counted as 'other' (and a warning is logged once). @default 500 */
  maxRoutes?: number
  /** Your own route label for a request (return undefined for the default). It must return a template, never a raw URL. */
  routeLabel?: (req: any) => string | undefined
  /** A prom-client registry to add kit's metrics to (your own metrics then share the endpoint). @default a new Registry */
  registry?: Registry
  /** Alert rules and notifiers; `false` turns alerting off. @default {} (the launch preset, log notices) */
  alerts?: AlertsOptions | false
}

/** The part of the parsed env this package reads (strings are accepted too, as in process.env). */
export interface MetricsEnv {
  NODE_ENV?: string
  METRICS_TOKEN?: string
  METRICS_PORT?: number | string
  /** Only compared with METRICS_PORT. */
  PORT?: number | string
  APP_URL?: string
  SENTRY_RELEASE?: string
  SENTRY_ENVIRONMENT?: string
  SLACK_WEBHOOK_URL?: string
  ALERT_EMAIL_TO?: string | string[]
  HEROKU_APP_NAME?: string
  FLY_APP_NAME?: string
  RENDER_SERVICE_NAME?: string
  RAILWAY_SERVICE_NAME?: string
  /** Google Cloud Run. */
  K_SERVICE?: string
  DYNO?: string
  HOSTNAME?: string
  npm_package_name?: string
}

/** A mailer's send(): @kit/mailer's Mailer satisfies it. */
export interface MailerLike {
  send(message: { to: string[]; subject: string; text: string; html?: string }): Promise<unknown>
}

/** What the alert lock needs from a Redis client: ioredis satisfies it. */
export interface LockClient {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<unknown>
}

export interface MetricsContext {
  /** @default process.env */
  env?: MetricsEnv
  /** Where the app's package.json is looked for (for the service name) when the entry script has none nearer. @default process.cwd() */
  cwd?: string
  log?: KitLogger
  /** Sends alert mail; a function is called only when the first mail is sent (lazy mailers). */
  mailer?: MailerLike | (() => MailerLike)
  /** Holds the alert lock across instances; a function is called on first use. */
  redis?: LockClient | (() => LockClient)
  /** Requests that are not recorded (health probes). */
  skip?: SkipRequest
  /** Host names the app serves: a private-network request naming one may read metrics (besides IP literals and localhost). */
  allowedHost?: (hostname: string) => boolean
}
