import type { RuleConfig } from '../config.ts'
import type { AlertRuleKind, AlertSeverity } from '../options.ts'

/** What notifiers receive: a rule started firing, or stopped. */
export interface AlertNotice {
  rule: string
  kind: AlertRuleKind
  severity: AlertSeverity
  state: 'firing' | 'resolved'
  /** Milliseconds (latency, dbLatency, eventLoopDelay) or a ratio 0–1 (errorRate, memory). */
  value: number
  threshold: number
  /** Observations in the window (requests, queries, samples). */
  count: number
  windowMs: number
  /** One line with the numbers, e.g. "error rate 12.5% ≥ 5% over the last 5 min (240 requests)". */
  summary: string
  labels: Record<string, string>
  appUrl: string | undefined
  /** When this notice was decided. */
  at: Date
  /** When the rule started firing. */
  since: Date
}

const WHAT: Record<AlertRuleKind, string> = {
  latency: 'latency',
  errorRate: 'error rate',
  dbLatency: 'database query latency',
  eventLoopDelay: 'event-loop delay',
  memory: 'memory use',
}
const UNIT: Record<AlertRuleKind, string> = {
  latency: 'requests',
  errorRate: 'requests',
  dbLatency: 'queries',
  eventLoopDelay: 'samples',
  memory: 'samples',
}

export function describeMeasure(rule: RuleConfig): string {
  const quantile = rule.quantile ? `p${Math.round(rule.quantile * 1000) / 10} ` : ''
  return `${quantile}${WHAT[rule.kind]}`
}

export function formatValue(kind: AlertRuleKind, value: number): string {
  if (kind === 'errorRate' || kind === 'memory') return `${round(value * 100)}%`
  return value >= 1000 ? `${round(value / 1000)} s` : `${round(value)} ms`
}

export function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  if (ms % 60_000 === 0) return `${ms / 60_000} min`
  if (ms >= 1000) return `${round(ms / 1000)} s`
  return `${ms} ms`
}

export function summarize(
  rule: RuleConfig,
  value: number,
  count: number,
  state: 'firing' | 'resolved',
): string {
  // Notices come only from evaluations with enough observations (the engine treats fewer as unknown).
  const what = describeMeasure(rule)
  const over = `over the last ${formatWindow(rule.windowMs)}`
  const counted = `${count.toLocaleString('en-US')} ${UNIT[rule.kind]}`
  const comparison = state === 'firing' ? '≥' : '<'
  return `${what} ${formatValue(rule.kind, value)} ${comparison} ${formatValue(rule.kind, rule.threshold)} ${over} (${counted})`
}

function round(n: number): string {
  return String(n >= 100 ? Math.round(n) : Math.round(n * 10) / 10)
}
