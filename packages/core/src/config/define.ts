import type { NoAppShape } from '@kit/env'
import type { FlagDefinitions } from '@kit/flags'
import type { z } from 'zod'
import type { KitConfig } from './types.ts'

/** A config whose `env` shape is known, so productionize() and loadEnv() can type the app's variables. */
export type DefinedConfig<
  S extends z.ZodRawShape = NoAppShape,
  F extends FlagDefinitions = FlagDefinitions,
> = KitConfig<S, F>

/**
 * Identity helper for kit.config.ts: checks the object against KitConfig
 * (misspelt keys are errors) and keeps the literal type of `env`.
 */
export function defineConfig<
  const S extends z.ZodRawShape = NoAppShape,
  const F extends FlagDefinitions = FlagDefinitions,
>(config: DefinedConfig<S, F>): DefinedConfig<S, F> {
  return config
}
