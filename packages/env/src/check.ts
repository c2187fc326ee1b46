import { VALUE_FREE } from './context.ts'
import type { EnvType } from './helpers.ts'
import { loadZod } from './lazy-zod.ts'
import { splitList } from './parsers.ts'

/**
 * A zod-free check of one environment string: the parsed value, or every
 * problem. The built-in variables are checked with these directly (no zod
 * at start-up); the zod helpers wrap the same functions (`fromCheck`), so
 * both give the same values and the same messages.
 */
export type Check<T> = (raw: string) => CheckResult<T>
export type CheckResult<T> = { ok: true; value: T } | { ok: false; issues: CheckIssue[] }
export interface CheckIssue {
  message: string
  /** The message cannot contain any part of the value (see VALUE_FREE). */
  valueFree: boolean
}

export function passed<T>(value: T): CheckResult<T> {
  return { ok: true, value }
}

export function failed(message: string, valueFree: boolean): CheckResult<never> {
  return { ok: false, issues: [{ message, valueFree }] }
}

/** A check from a parse function that returns undefined for bad input: "expected <expected>". */
export function valueCheck<T>(expected: string, parse: (raw: string) => T | undefined): Check<T> {
  return (raw) => {
    const value = parse(raw)
    return value === undefined ? failed(`expected ${expected}`, true) : passed(value)
  }
}

/** A comma-separated list whose items pass `item` (as the `list()` helper reports them). */
export function listCheck<T>(item: Check<T>): Check<T[]> {
  return (raw) => {
    const out: T[] = []
    const issues: CheckIssue[] = []
    for (const part of splitList(raw)) {
      const result = item(part)
      if (result.ok) out.push(result.value)
      else
        issues.push({
          message: `item ${JSON.stringify(part)}: ${result.issues.map((i) => i.message).join('; ')}`,
          valueFree: false,
        })
    }
    return issues.length > 0 ? { ok: false, issues } : passed(out)
  }
}

/** The zod schema of a check: a string transformed by it, each problem a custom issue. */
export function fromCheck<T>(check: Check<T>): EnvType<T> {
  const { z } = loadZod()
  return z.string().transform((raw, ctx) => {
    const result = check(raw)
    if (result.ok) return result.value
    for (const issue of result.issues) {
      ctx.addIssue(
        issue.valueFree
          ? { code: 'custom', message: issue.message, params: VALUE_FREE }
          : { code: 'custom', message: issue.message },
      )
    }
    return z.NEVER
  })
}
