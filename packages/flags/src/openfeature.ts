import { isKitError } from '@kit/internal'
import {
  FlagNotFoundError,
  type JsonValue,
  type EvaluationContext as OpenFeatureContext,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  TypeMismatchError,
} from '@openfeature/server-sdk'
import type { Flags } from './flags.ts'
import type { EvaluationContext, FlagValue } from './types.ts'

export interface OpenFeatureProviderOptions {
  /** Turns OpenFeature's context into kit's. @default targetingKey → userId, every other key → attributes */
  context?: (context: OpenFeatureContext) => EvaluationContext
}

function defaultContext(context: OpenFeatureContext): EvaluationContext {
  const { targetingKey, ...attributes } = context
  return { userId: targetingKey, attributes }
}

/**
 * An OpenFeature server provider over kit flags, so code written against
 * `@openfeature/server-sdk` evaluates kit flags unchanged:
 * `await OpenFeature.setProviderAndWait(createOpenFeatureProvider(kit.flags))`.
 * Reasons (STATIC, DEFAULT, DISABLED, TARGETING_MATCH, SPLIT) and variants
 * pass through; a change in the database emits ConfigurationChanged. kit
 * owns the flags: closing the provider does not close them.
 */
export function createOpenFeatureProvider(
  flags: Flags<any>,
  options: OpenFeatureProviderOptions = {},
): Provider {
  const toKit = options.context ?? defaultContext
  const events = new OpenFeatureEventEmitter()
  let unsubscribe: (() => void) | undefined

  function resolve<T extends FlagValue>(
    key: string,
    type: 'boolean' | 'string' | 'number',
    context: OpenFeatureContext,
  ): ResolutionDetails<T> {
    const definition = flags.definitions[key]
    if (!definition) throw new FlagNotFoundError(`kit has no flag "${key}".`)
    if (typeof definition.default !== type) {
      throw new TypeMismatchError(`Flag "${key}" is a ${typeof definition.default} flag, not a ${type} flag.`)
    }
    try {
      const result = flags.evaluate(key, toKit(context))
      return {
        value: result.value as T,
        reason: result.reason,
        variant: result.variant ?? String(result.value),
        flagMetadata: { source: result.source, enabled: result.enabled },
      }
    } catch (error) {
      if (isKitError(error, 'KIT_FLAGS_UNKNOWN_FLAG')) throw new FlagNotFoundError(error.message)
      throw error
    }
  }

  return {
    metadata: { name: 'kit-flags' },
    runsOn: 'server',
    events,
    async initialize() {
      unsubscribe ??= flags.onChange((names) =>
        events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: names }),
      )
      await flags.start()
    },
    async onClose() {
      unsubscribe?.()
      unsubscribe = undefined
    },
    async resolveBooleanEvaluation(key, _default, context) {
      return resolve<boolean>(key, 'boolean', context)
    },
    async resolveStringEvaluation(key, _default, context) {
      return resolve<string>(key, 'string', context)
    },
    async resolveNumberEvaluation(key, _default, context) {
      return resolve<number>(key, 'number', context)
    },
    async resolveObjectEvaluation<T extends JsonValue>(key: string): Promise<ResolutionDetails<T>> {
      if (!flags.definitions[key]) throw new FlagNotFoundError(`kit has no flag "${key}".`)
      throw new TypeMismatchError(
        `Flag "${key}" holds a ${typeof flags.definitions[key]!.default}; kit flags are booleans, strings and numbers, not objects.`,
      )
    },
  }
}
