export { errors } from './errors.ts'
export { type AuditOptions, type AuditReport, runAudit } from './live/audit.ts'
export { LIVE_CHECKS } from './live/checks/index.ts'
export type { AuditContext } from './live/context.ts'
export type { LocalModeOptions, LocalModeReport } from './live/local/local-mode.ts'
export { renderLocalMode } from './live/local/render-local.ts'
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
export {
  type Painter,
  PLAIN,
  renderObservatory,
  renderResults,
  renderSummary,
  type Summary,
  summarise,
} from './render.ts'
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
export { DOCTOR_CHECKS } from './static/checks/index.ts'
export type { DoctorConfig } from './static/config.ts'
export type { DoctorContext, DoctorDatabase, DoctorInput } from './static/context.ts'
export { type DoctorReport, type DoctorRunOptions, runDoctor } from './static/doctor.ts'
export {
  type CheckDefinition,
  type CheckResult,
  type CheckStatus,
  type Outcome,
  SEVERITIES,
  type Severity,
} from './types.ts'
