/**
 * The shapes shared by `kit doctor` (static checks) and `kit audit` (live
 * checks): a check is data (id, severity, fix) plus a function that returns
 * an outcome; running it gives a result with a one-line finding.
 */

/** Most to least serious. critical and high are errors, medium and low warnings. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'

export const SEVERITIES: readonly Severity[] = Object.freeze(['critical', 'high', 'medium', 'low', 'info'])

/** skip: the check does not apply or needs what is missing (--online, a Procfile...). */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'silenced'

/** What a check's function returns. */
export interface Outcome {
  status: 'pass' | 'fail' | 'skip'
  /** One line: what was found. Never a secret value. */
  finding: string
  /** Replaces the check's own fix for this failure (a more precise one). */
  fix?: string
}

/** A check as data. The id is stable across versions: configs silence it and docs list it. */
export interface CheckDefinition<C> {
  /** `KIT-SEC-001` (doctor) or `LIVE-TLS-01` (audit). */
  id: string
  title: string
  severity: Severity
  /** The check of the audit reference it implements (`CFG-HDR-02`). */
  ref?: string
  /** What to do when it fails. */
  fix: string
  /** Needs network access to the app's services (`kit doctor --online`). */
  online?: boolean
  run(context: C): Outcome | Promise<Outcome>
}

export interface CheckResult {
  id: string
  title: string
  severity: Severity
  status: CheckStatus
  finding: string
  /** Empty when the check passed. */
  fix: string
  ref?: string
  /** Why it was silenced (kit.config `doctor.silence`). */
  reason?: string
}

export const pass = (finding: string): Outcome => ({ status: 'pass', finding })
export const skip = (finding: string): Outcome => ({ status: 'skip', finding })
export const fail = (finding: string, fix?: string): Outcome =>
  fix === undefined ? { status: 'fail', finding } : { status: 'fail', finding, fix }
