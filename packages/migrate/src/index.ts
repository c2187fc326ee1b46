export { type BackupOptions, type BackupResult, listBackups } from './backup/backup.ts'
export type { BackupManifest } from './backup/manifest.ts'
export { type VerifyOptions, type VerifyResult, verifyBackup } from './backup/verify.ts'
export { BASELINE_FILE, type ReviewedBaseline, readBaseline } from './checks/baseline.ts'
export { type CheckOptions, type CheckResult, checkMigrations } from './checks/check.ts'
export { type Finding, UNSAFE_RULE_NAMES, UNSAFE_RULES, type UnsafeRule } from './checks/rules.ts'
export {
  backup,
  type CheckPendingOptions,
  type DbBackupOptions,
  type DownOptions,
  type DownResult,
  migrateCheck,
  migrateDown,
  migrateResolve,
  migrateStatus,
  migrateTo,
  migrateUnlock,
  migrateUp,
  type ResolveOptions,
  type StatusResult,
  type ToOptions,
  type ToResult,
  type UnlockOptions,
  type UnlockResult,
  writeReviewedBaseline,
} from './commands.ts'
export type { MigrationsConfig } from './config.ts'
export type { Dialect } from './dialect.ts'
export { errors } from './errors.ts'
export { type KnexfileConnection, knexfileConnection } from './knexfile/connection.ts'
export { findKnexfile, KNEXFILE_NAMES, type Knexfile, loadKnexfile } from './knexfile/load.ts'
export { type KnexfileMerge, mergeKnexfileSettings } from './knexfile/merge.ts'
export { type ProjectMigrations, projectMigrations } from './knexfile/project.ts'
export { acquireFileLock } from './lock/file-lock.ts'
export type { LockWaitOptions, ReleaseLock } from './lock/types.ts'
export { type MakeOptions, migrateMake } from './make.ts'
export type { KnexSource, MigrateOptions } from './options.ts'
export type { MigrationState, MigrationStatus } from './plan.ts'
export { type ReleaseOptions, type ReleaseSummary, release } from './release.ts'
export type { ReleaseEvent, ReleaseReporter, ReleaseStep, StepResult, StepStatus } from './reporter/events.ts'
export { createJsonReporter } from './reporter/json.ts'
export { createTextReporter, type TextReporterOptions } from './reporter/text.ts'
export type { MigrationFile, MigrationModule, MigrationSettings } from './source.ts'
