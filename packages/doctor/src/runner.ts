import { redactString } from '@kit/internal'
import type { CheckDefinition, CheckResult, Outcome } from './types.ts'

export interface RunChecksOptions {
  /** Run the checks marked `online` (they talk to the database, the mail provider...). @default false */
  online?: boolean
  /** Check id → reason, from kit.config `doctor.silence` (validated by parseSilence). @default {} */
  silence?: Readonly<Record<string, string>>
}

/**
 * Runs every check in order, one at a time (online checks share connections
 * and a busy database should not see a burst). A check that throws fails with
 * the error's message: doctor never stops half-way. Every finding is passed
 * through the redaction list, so no secret reaches the output.
 */
export async function runChecks<C>(
  checks: readonly CheckDefinition<C>[],
  context: C,
  options: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const check of checks) {
    let outcome: Outcome
    if (check.online && !options.online) {
      outcome = { status: 'skip', finding: 'needs --online (talks to the service)' }
    } else {
      try {
        outcome = await check.run(context)
      } catch (error) {
        outcome = {
          status: 'fail',
          finding: `the check could not run: ${error instanceof Error ? error.message : String(error)}`,
        }
      }
    }
    results.push(toResult(check, outcome, options.silence?.[check.id]))
  }
  return results
}

function toResult<C>(check: CheckDefinition<C>, outcome: Outcome, reason: string | undefined): CheckResult {
  const result: CheckResult = {
    id: check.id,
    title: check.title,
    severity: check.severity,
    status: outcome.status,
    finding: redactString(oneLine(outcome.finding)),
    fix: outcome.status === 'fail' ? redactString(outcome.fix ?? check.fix) : '',
  }
  if (check.ref !== undefined) result.ref = check.ref
  if (outcome.status === 'fail' && reason !== undefined) {
    result.status = 'silenced'
    result.reason = reason
  }
  return result
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
