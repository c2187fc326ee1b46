import type { AlertRuleOptions } from '../options.ts'

const MINUTE = 60_000

/**
 * The thresholds the launch plans we serve ask for (shared/seeds): p95
 * response time of 3 s and an error rate of 5 % are critical, database
 * queries at a p95 of 1 s are a warning, memory above 80 % of its limit is a
 * warning. The cooldowns are theirs too (5, 2 and 10 minutes). Event-loop
 * delay has no number in the plans: 200 ms matches @kit/health's check.
 */
export const LAUNCH_PRESET: Readonly<Record<string, Readonly<AlertRuleOptions>>> = Object.freeze({
  latency: {
    kind: 'latency',
    severity: 'critical',
    percentile: 95,
    thresholdMs: 3000,
    minRequests: 20,
    windowMs: 5 * MINUTE,
    cooldownMs: 5 * MINUTE,
  },
  errorRate: {
    kind: 'errorRate',
    severity: 'critical',
    thresholdPercent: 5,
    minRequests: 20,
    windowMs: 5 * MINUTE,
    cooldownMs: 2 * MINUTE,
  },
  dbLatency: {
    kind: 'dbLatency',
    severity: 'warning',
    percentile: 95,
    thresholdMs: 1000,
    minQueries: 20,
    windowMs: 5 * MINUTE,
    cooldownMs: 10 * MINUTE,
  },
  eventLoopDelay: {
    kind: 'eventLoopDelay',
    severity: 'warning',
    percentile: 95,
    thresholdMs: 200,
    windowMs: MINUTE,
    cooldownMs: 10 * MINUTE,
  },
  memory: {
    kind: 'memory',
    severity: 'warning',
    thresholdPercent: 80,
    windowMs: 5 * MINUTE,
    cooldownMs: 10 * MINUTE,
  },
})

export const PRESETS: Readonly<Record<string, Readonly<Record<string, Readonly<AlertRuleOptions>>>>> =
  Object.freeze({ launch: LAUNCH_PRESET, none: Object.freeze({}) })
