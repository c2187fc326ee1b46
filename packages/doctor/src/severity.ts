import { KitError } from '@kit/internal'
import { type CheckResult, SEVERITIES, type Severity } from './types.ts'

/**
 * `--fail-on` values: a severity, or the two words CI scripts use. `error`
 * means critical or high; `warning` adds medium and low; `none` never fails.
 */
export type FailOn = Severity | 'error' | 'warning' | 'none'

export const FAIL_ON_VALUES: readonly FailOn[] = Object.freeze(['error', 'warning', 'none', ...SEVERITIES])

/** critical → 0 ... info → 4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity)
}

/** Errors are what `--fail-on error` fails on; warnings what `--fail-on warning` adds. */
export function levelOf(severity: Severity): 'error' | 'warning' | 'info' {
  if (severity === 'critical' || severity === 'high') return 'error'
  return severity === 'info' ? 'info' : 'warning'
}

/** The least severe severity that still fails, or undefined for `none`. */
export function failThreshold(failOn: FailOn): Severity | undefined {
  if (failOn === 'none') return undefined
  if (failOn === 'error') return 'high'
  if (failOn === 'warning') return 'low'
  return failOn
}

export function parseFailOn(value: string | undefined, fallback: FailOn = 'error'): FailOn {
  if (value === undefined) return fallback
  const normalised = value.trim().toLowerCase()
  if ((FAIL_ON_VALUES as readonly string[]).includes(normalised)) return normalised as FailOn
  throw new KitError(
    'KIT_DOCTOR_INVALID_OPTION',
    `failOn must be one of ${FAIL_ON_VALUES.join(', ')}; got ${JSON.stringify(value)}.`,
  )
}

/** The failed results that count against `failOn` (silenced and skipped ones never do). */
export function failuresAt(results: readonly CheckResult[], failOn: FailOn): CheckResult[] {
  const threshold = failThreshold(failOn)
  if (threshold === undefined) return []
  const limit = severityRank(threshold)
  return results.filter((r) => r.status === 'fail' && severityRank(r.severity) <= limit)
}

/** 1 when a failed check reaches `failOn`, else 0 (the CLI's exit code). */
export function exitCodeFor(results: readonly CheckResult[], failOn: FailOn): 0 | 1 {
  return failuresAt(results, failOn).length > 0 ? 1 : 0
}
