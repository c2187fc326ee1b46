import type { ObservatoryTest } from './observatory/result.ts'
import { type CheckResult, SEVERITIES, type Severity } from './types.ts'

/** The colour functions the CLI passes (identity functions when output is not a terminal). */
export interface Painter {
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

export const PLAIN: Painter = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
}

export interface Summary {
  passed: number
  failed: number
  skipped: number
  silenced: number
  /** Failed checks per severity. */
  failedBySeverity: Record<Severity, number>
}

export function summarise(results: readonly CheckResult[]): Summary {
  const failedBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>
  for (const r of results) if (r.status === 'fail') failedBySeverity[r.severity]++
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length
  return {
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    silenced: count('silenced'),
    failedBySeverity,
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colour codes Painter adds.
const ANSI = /\u001b\[\d+m/g
const width = (text: string) => text.replace(ANSI, '').length

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, width(cell))
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
      .join('  ')
      .trimEnd(),
  )
}

function mark(result: CheckResult, c: Painter): string {
  if (result.status === 'pass') return c.green('pass')
  if (result.status === 'skip') return c.dim('skip')
  if (result.status === 'silenced') return c.dim('silenced')
  return result.severity === 'critical' || result.severity === 'high'
    ? c.red('FAIL')
    : result.severity === 'info'
      ? c.cyan('note')
      : c.yellow('WARN')
}

/**
 * The check results as a table grouped by severity, most serious first; a
 * failure is followed by its fix, a silenced check by its reason.
 */
export function renderResults(results: readonly CheckResult[], c: Painter = PLAIN): string[] {
  const lines: string[] = []
  for (const severity of SEVERITIES) {
    const group = results.filter((r) => r.severity === severity)
    if (group.length === 0) continue
    const order = { fail: 0, silenced: 1, pass: 2, skip: 3 }
    group.sort((a, b) => order[a.status] - order[b.status])
    lines.push('', c.bold(severity.toUpperCase()))
    const rows = group.map((r) => [`  ${mark(r, c)}`, r.id, r.title, c.dim(r.finding)])
    const rendered = table(rows)
    for (const [i, r] of group.entries()) {
      lines.push(rendered[i]!)
      if (r.status === 'fail') lines.push(`        ${c.bold('fix:')} ${r.fix}`)
      if (r.status === 'silenced') lines.push(`        ${c.dim(`silenced: ${r.reason}`)}`)
    }
  }
  return lines
}

export function renderSummary(results: readonly CheckResult[], c: Painter = PLAIN): string {
  const s = summarise(results)
  const errors = s.failedBySeverity.critical + s.failedBySeverity.high
  const warnings = s.failedBySeverity.medium + s.failedBySeverity.low
  const parts = [
    errors ? c.red(`${errors} error${errors === 1 ? '' : 's'}`) : c.green('0 errors'),
    warnings ? c.yellow(`${warnings} warning${warnings === 1 ? '' : 's'}`) : '0 warnings',
    `${s.failedBySeverity.info} note${s.failedBySeverity.info === 1 ? '' : 's'}`,
    `${s.passed} passed`,
    `${s.skipped} skipped`,
    ...(s.silenced ? [`${s.silenced} silenced`] : []),
  ]
  return parts.join(', ')
}

export function renderObservatory(
  observatory: {
    algorithm: number
    score: number
    grade: string
    testsPassed: number
    testsQuantity: number
    tests: readonly ObservatoryTest[]
  },
  c: Painter = PLAIN,
): string[] {
  const grade = observatory.grade.startsWith('A')
    ? c.green(observatory.grade)
    : observatory.grade.startsWith('F')
      ? c.red(observatory.grade)
      : c.yellow(observatory.grade)
  const rows = observatory.tests.map((t) => [
    `  ${t.pass ? c.green('pass') : c.red('fail')}`,
    t.name,
    t.result,
    t.modifier > 0 ? c.green(`+${t.modifier}`) : t.modifier < 0 ? c.red(String(t.modifier)) : '0',
  ])
  return [
    '',
    `${c.bold('MDN HTTP Observatory')} (algorithm ${observatory.algorithm}): ${c.bold(String(observatory.score))} ${grade}, ${observatory.testsPassed}/${observatory.testsQuantity} tests passed`,
    ...table(rows),
  ]
}
