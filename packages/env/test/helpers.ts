import {
  type EnvCheckResult,
  type KitEnvWith,
  checkEnv as kitCheckEnv,
  type LoadEnvOptions,
  loadEnv,
  type NoAppShape,
  type z,
} from '@kit/env'
import { isKitError } from '@kit/internal'

/** loadEnv over an explicit source only: no .env files, no platform detection. */
export function loadEnvFrom<S extends z.ZodRawShape = NoAppShape>(
  source: Record<string, string | undefined>,
  options: LoadEnvOptions<S> = {},
): KitEnvWith<S> {
  return loadEnv({ dotenv: false, preset: false, ...options, source })
}

export function checkEnv<S extends z.ZodRawShape = NoAppShape>(
  source: Record<string, string | undefined>,
  options: LoadEnvOptions<S> = {},
): EnvCheckResult<S> {
  return kitCheckEnv({ dotenv: false, preset: false, ...options, source })
}

export function isKitErrorLike(error: unknown, code: string): boolean {
  return isKitError(error, code)
}

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export function thrown(fn: () => unknown): any {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}
