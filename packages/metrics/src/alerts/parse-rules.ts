import type { RuleConfig } from '../config.ts'
import type { AlertRuleKind, AlertRuleOptions } from '../options.ts'
import { describe, invalidRule, numberIn, plainObject, rejectUnknown, wholeNumber } from '../validators.ts'
import { PRESETS } from './presets.ts'

const KINDS: readonly AlertRuleKind[] = ['latency', 'errorRate', 'dbLatency', 'eventLoopDelay', 'memory']
const COMMON = ['kind', 'severity', 'windowMs', 'cooldownMs', 'recovery']
/** The fields each kind takes; any other is refused, so a threshold cannot be silently ignored. */
const FIELDS: Record<AlertRuleKind, readonly string[]> = {
  latency: [...COMMON, 'percentile', 'thresholdMs', 'minRequests'],
  errorRate: [...COMMON, 'thresholdPercent', 'minRequests'],
  dbLatency: [...COMMON, 'percentile', 'thresholdMs', 'minQueries'],
  eventLoopDelay: [...COMMON, 'percentile', 'thresholdMs'],
  memory: [...COMMON, 'thresholdPercent'],
}
const ALL_FIELDS = [...new Set(Object.values(FIELDS).flat())]
const MAX_WINDOW_MS = 24 * 3_600_000

/** The preset's rules with `rules` merged over them by name (`false` drops one). */
export function parseRules(preset: unknown, rules: unknown): RuleConfig[] {
  const presetName = preset ?? 'launch'
  const base = typeof presetName === 'string' ? PRESETS[presetName] : undefined
  if (!base) {
    throw invalidRule(
      `alerts.preset must be one of ${Object.keys(PRESETS).join(', ')}, got ${describe(presetName)}.`,
    )
  }
  const overrides = plainObject('alerts.rules', rules) ?? {}
  const names = new Set([...Object.keys(base), ...Object.keys(overrides)])
  const result: RuleConfig[] = []
  for (const name of names) {
    const override = overrides[name]
    if (override === false) continue
    if (
      override !== undefined &&
      (override === null || typeof override !== 'object' || Array.isArray(override))
    ) {
      throw invalidRule(`alerts.rules.${name} must be a rule object or false, got ${describe(override)}.`)
    }
    const given = override as AlertRuleOptions | undefined
    const presetRule = base[name]
    // A rule that changes the kind of a preset rule replaces it: the preset's thresholds mean nothing to it.
    const inherited =
      presetRule && (given?.kind === undefined || given.kind === presetRule.kind) ? presetRule : {}
    result.push(parseRule(name, { ...inherited, ...given }))
  }
  return result
}

function parseRule(name: string, rule: AlertRuleOptions): RuleConfig {
  const where = `alerts.rules.${name}`
  if (!/^[A-Za-z][\w.-]{0,63}$/.test(name)) {
    throw invalidRule(
      `Alert rule names are letters, digits, "_", "." and "-" (at most 64), got ${describe(name)}.`,
    )
  }
  const kind = rule.kind
  if (!KINDS.includes(kind as AlertRuleKind)) {
    throw invalidRule(
      `${where}.kind must be one of ${KINDS.join(', ')}, got ${describe(kind)}${kind === undefined ? ' (a rule that overrides no preset rule needs a kind)' : ''}.`,
    )
  }
  const k = kind as AlertRuleKind
  rejectUnknown(rule, ALL_FIELDS, `field of ${where}`, invalidRule)
  for (const field of Object.keys(rule)) {
    if (!FIELDS[k].includes(field) && (rule as Record<string, unknown>)[field] !== undefined) {
      throw invalidRule(`${where} (kind ${k}) takes no "${field}"; it takes ${FIELDS[k].join(', ')}.`)
    }
  }
  if (rule.severity !== undefined && rule.severity !== 'critical' && rule.severity !== 'warning') {
    throw invalidRule(`${where}.severity must be "critical" or "warning", got ${describe(rule.severity)}.`)
  }
  const threshold =
    k === 'errorRate' || k === 'memory' ? percentThreshold(where, rule) : msThreshold(where, rule)
  const windowMs = ruleNumber(`${where}.windowMs`, rule.windowMs, 10, MAX_WINDOW_MS) ?? 300_000
  const cooldownMs = ruleNumber(`${where}.cooldownMs`, rule.cooldownMs, 0, 7 * MAX_WINDOW_MS) ?? 300_000
  if (rule.recovery !== undefined && typeof rule.recovery !== 'boolean') {
    throw invalidRule(`${where}.recovery must be true or false, got ${describe(rule.recovery)}.`)
  }
  const percentile = rule.percentile === undefined ? 95 : rule.percentile
  if (
    FIELDS[k].includes('percentile') &&
    (typeof percentile !== 'number' || !(percentile >= 50 && percentile <= 99.9))
  ) {
    throw invalidRule(
      `${where}.percentile must be a number from 50 to 99.9, got ${describe(rule.percentile)}.`,
    )
  }
  const minCount =
    k === 'dbLatency'
      ? (ruleNumber(`${where}.minQueries`, rule.minQueries, 0, 1e9) ?? 20)
      : k === 'latency' || k === 'errorRate'
        ? (ruleNumber(`${where}.minRequests`, rule.minRequests, 0, 1e9) ?? 20)
        : 0
  return {
    name,
    kind: k,
    severity: rule.severity ?? 'warning',
    quantile: FIELDS[k].includes('percentile') ? percentile / 100 : 0,
    threshold,
    minCount,
    windowMs,
    cooldownMs,
    recovery: rule.recovery ?? true,
  }
}

function percentThreshold(where: string, rule: AlertRuleOptions): number {
  if (rule.thresholdPercent === undefined) throw invalidRule(`${where} needs thresholdPercent (0–100).`)
  try {
    return numberIn(`${where}.thresholdPercent`, rule.thresholdPercent, 0, 100)! / 100
  } catch (error) {
    throw invalidRule((error as Error).message)
  }
}

function msThreshold(where: string, rule: AlertRuleOptions): number {
  if (rule.thresholdMs === undefined) throw invalidRule(`${where} needs thresholdMs (milliseconds).`)
  try {
    return numberIn(`${where}.thresholdMs`, rule.thresholdMs, 0, 3_600_000)!
  } catch (error) {
    throw invalidRule((error as Error).message)
  }
}

function ruleNumber(name: string, value: unknown, min: number, max: number): number | undefined {
  try {
    return wholeNumber(name, value, { min, max })
  } catch (error) {
    throw invalidRule((error as Error).message)
  }
}
