export { normalizedValue, ROLLOUT_SEED, VARIANT_SEED } from './bucket.ts'
export type { Change, Targeting } from './changes.ts'
export { envNameOf } from './definitions.ts'
export { errors } from './errors.ts'
export {
  type ChangeOptions,
  createFlags,
  type FlagChange,
  type FlagInfo,
  type Flags,
  type FlagsContext,
} from './flags.ts'
export { murmur3 } from './murmur.ts'
export type { FlagsOptions } from './options.ts'
export type { RequestFlags } from './request.ts'
export type { AttributeRule } from './rules.ts'
export type { FlagsEnv } from './sources/env.ts'
export type { AuditEntry } from './store/database.ts'
export { AUDIT_TABLE, ensureFlagsTable, FLAGS_TABLE, flagsMigration } from './store/schema.ts'
export type {
  EvaluationContext,
  EvaluationReason,
  FlagDefinition,
  FlagDefinitions,
  FlagEvaluation,
  FlagName,
  FlagSource,
  FlagState,
  FlagValue,
  FlagValueOf,
} from './types.ts'
