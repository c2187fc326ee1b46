export { errors } from './errors.ts'
export { type AuditOptions, type AuditReport, runAudit } from './live/audit.ts'
export { LIVE_CHECKS } from './live/checks/index.ts'
export type { AuditContext } from './live/context.ts'
export {
  classifyScripts,
  gradeForScore,
  type HeaderMap,
  type ObservatoryInput,
  type ObservatoryResponse,
  type ObservatoryScore,
  type ObservatoryTest,
  type RedirectHop,
  scoreObservatory,
} from './observatory/index.ts'
export { type RunChecksOptions, runChecks } from './runner.ts'
export {
  exitCodeFor,
  FAIL_ON_VALUES,
  type FailOn,
  failuresAt,
  levelOf,
  parseFailOn,
  severityRank,
} from './severity.ts'
export { type DoctorOptions, parseSilence } from './silence.ts'
export {
  type CheckDefinition,
  type CheckResult,
  type CheckStatus,
  type Outcome,
  SEVERITIES,
  type Severity,
} from './types.ts'
