import type { NoAppShape } from '@kit/env'
import type { z } from 'zod'
import type { KitConfig } from './types.ts'

/** A config whose `env` shape is known, so productionize() and loadEnv() can type the app's variables. */
export type DefinedConfig<S extends z.ZodRawShape = NoAppShape> = KitConfig<S>

/**
 * Identity helper for kit.config.ts: checks the object against KitConfig
 * (misspelt keys are errors) and keeps the literal type of `env`.
 */
export function defineConfig<const S extends z.ZodRawShape = NoAppShape>(
  config: DefinedConfig<S>,
): DefinedConfig<S> {
  return config
}
