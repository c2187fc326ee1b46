// The bundle exports lazy-z.ts's `z` instead (scripts/bundle.mjs): importing @kit/env loads no zod.
export { z } from 'zod'
export {
  BUILTIN_NAMES,
  BUILTIN_SHAPE,
  type DatabaseSsl,
  type EnvMeta,
  type KitEnv,
  type LogLevel,
  type MailProviderName,
  type NodeEnv,
} from './builtin.ts'
export { describeEnv, type EnvVarDescription } from './describe.ts'
export { DOTENV_FILES } from './dotenv.ts'
export { errors } from './errors.ts'
export { type EnvExampleOptions, renderEnvExample } from './example.ts'
export {
  bool,
  bytes,
  type DurationOptions,
  duration,
  type EnvType,
  int,
  list,
  number,
  type OneOfOptions,
  oneOf,
  type RangeOptions,
  type UrlOptions,
  url,
} from './helpers.ts'
export {
  type AppEnv,
  checkEnv,
  defineEnv,
  type EnvCheckResult,
  type EnvProblem,
  type EnvStatus,
  type EnvVarReport,
  envError,
  type KitEnvWith,
  type LoadEnvOptions,
  loadEnv,
  type NoAppShape,
} from './load.ts'
export { maskValue } from './mask.ts'
export { origins, parseOrigin } from './origins.ts'
export {
  detectPreset,
  detectRelease,
  type EnvSource,
  PRESET_NAMES,
  PRESETS,
  type PresetChoice,
  type PresetInfo,
  type PresetName,
} from './presets.ts'
export { checkSecretStrength, estimateEntropyBits, type SecretOptions, secret } from './secret.ts'
export { type TrustProxy, trustProxy } from './trust-proxy.ts'
