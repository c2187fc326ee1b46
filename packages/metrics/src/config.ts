import type { Registry } from 'prom-client'
import type { AlertRuleKind, AlertSeverity } from './options.ts'

/** One alert rule, resolved: thresholds in ms, or as a ratio (0–1) for errorRate and memory. */
export interface RuleConfig {
  name: string
  kind: AlertRuleKind
  severity: AlertSeverity
  /** 0–1; 0 for the kinds that take none. */
  quantile: number
  threshold: number
  /** Fewest observations in the window for the value to count (0: any). */
  minCount: number
  windowMs: number
  cooldownMs: number
  recovery: boolean
}

export interface NotifyConfig {
  /** Secret: never logged. */
  slackUrl: string | undefined
  mailTo: string[]
  subjectPrefix: string
  log: boolean
  timeoutMs: number
  retries: number
  retryDelayMs: number
}

export interface AlertsConfig {
  rules: RuleConfig[]
  intervalMs: number
  notify: NotifyConfig
  lock: { prefix: string; timeoutMs: number } | false
}

/** Everything createMetrics() resolved once from options, env and defaults. */
export interface MetricsConfig {
  enabled: boolean
  path: string
  token: string | undefined
  trustPrivateNetwork: boolean
  port: number | undefined
  host: string
  prefix: string
  labels: Record<string, string>
  durationBuckets: number[]
  queryBuckets: number[]
  processMetrics: boolean
  maxRoutes: number
  routeLabel: ((req: any) => string | undefined) | undefined
  registry: Registry | undefined
  alerts: AlertsConfig | false
  appUrl: string | undefined
  production: boolean
}
