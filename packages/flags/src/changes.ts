import type { ResolvedDefinition } from './definitions.ts'
import { checkValue, parseState, parseWeights } from './state.ts'
import type { FlagState, FlagValue } from './types.ts'

/** Targeting lists and rules; each list given replaces the stored one, an empty list removes it. */
export interface Targeting {
  allow?: readonly (string | number)[]
  deny?: readonly (string | number)[]
  /** `plan in [pro, team]`, `country not in [US]`, `plan = pro`, or `{ attribute, operator: 'in' | 'notIn', values }`. */
  rules?: readonly (
    | string
    | { attribute: string; operator: 'in' | 'notIn'; values: readonly (string | number | boolean)[] }
  )[]
}

/** One run-time change, as the API and `kit flags` make it. */
export type Change =
  | { action: 'set'; value: FlagValue }
  | { action: 'toggle'; enabled: boolean }
  | { action: 'rollout'; percent: number; stickiness?: string | undefined }
  | { action: 'weights'; weights: Record<string, number> }
  | { action: 'target'; targeting: Targeting }
  | { action: 'reset' }

function without<K extends keyof FlagState>(state: FlagState, key: K): FlagState {
  const { [key]: _removed, ...rest } = state
  return rest
}

/**
 * The state after a change, checked against the definition (a bad value
 * throws before anything is written). `base` is the stored state, or what
 * the lower layers serve when the database has no row for the flag yet, so
 * `set on` keeps a rollout that came from flags.json. `reset` returns undefined.
 */
export function applyChange(
  definition: ResolvedDefinition,
  base: FlagState,
  change: Change,
  where: string,
): FlagState | undefined {
  switch (change.action) {
    case 'reset':
      return undefined
    case 'set': {
      const value = checkValue(definition, change.value, where)
      // A fixed value replaces any A/B split: everyone gets it.
      if (definition.kind === 'boolean') return { ...base, enabled: value as boolean }
      return { ...without(base, 'weights'), enabled: true, value }
    }
    case 'toggle':
      return { ...base, enabled: change.enabled }
    case 'rollout': {
      const next = parseState(
        definition,
        { rollout: change.percent, ...(change.stickiness ? { stickiness: change.stickiness } : {}) },
        where,
      )
      const merged: FlagState = { ...base, ...next, enabled: true }
      return merged.rollout === 100 ? without(merged, 'rollout') : merged
    }
    case 'weights':
      return { ...base, enabled: true, weights: parseWeights(definition, change.weights, where) }
    case 'target': {
      const { allow, deny, rules } = change.targeting
      const next = parseState(
        definition,
        {
          ...(allow ? { allow } : {}),
          ...(deny ? { deny } : {}),
          ...(rules ? { rules } : {}),
        },
        where,
      )
      let merged: FlagState = { ...base, ...next }
      for (const key of ['allow', 'deny', 'rules'] as const) {
        if (merged[key]?.length === 0) merged = without(merged, key)
      }
      return merged
    }
  }
}
