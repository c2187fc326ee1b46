import { normalizedValue, VARIANT_SEED } from './bucket.ts'
import type { ResolvedDefinition } from './definitions.ts'
import { type CompiledRule, parseRule, ruleMatches } from './rules.ts'
import { valueFromText } from './state.ts'
import type {
  EvaluationContext,
  EvaluationReason,
  FlagEvaluation,
  FlagSource,
  FlagState,
  FlagValue,
} from './types.ts'

interface WeightedResult {
  /** Running total: the bucket that still picks this result. */
  upTo: number
  result: FlagEvaluation
}

/**
 * A flag ready for evaluation: every possible answer is allocated once,
 * here, so an evaluation only looks things up and hashes the sticky key.
 */
export interface CompiledFlag {
  definition: ResolvedDefinition
  source: FlagSource
  state: FlagState | undefined
  /** Set when the answer does not depend on the context. */
  constant: FlagEvaluation | undefined
  allow: ReadonlySet<string> | undefined
  deny: ReadonlySet<string> | undefined
  rules: readonly CompiledRule[] | undefined
  rollout: number
  /** An allow list with no rules and no rollout: the flag is for those users only. */
  allowOnly: boolean
  stickiness: string
  weights: readonly WeightedResult[] | undefined
  totalWeight: number
  on: { targeted: FlagEvaluation; split: FlagEvaluation; plain: FlagEvaluation }
  off: { targeted: FlagEvaluation; unmatched: FlagEvaluation; split: FlagEvaluation }
}

function result(
  value: FlagValue,
  enabled: boolean,
  reason: EvaluationReason,
  source: FlagSource,
  variant?: string,
): FlagEvaluation {
  return Object.freeze(
    variant === undefined ? { value, enabled, reason, source } : { value, enabled, reason, variant, source },
  )
}

export function compileFlag(
  definition: ResolvedDefinition,
  state: FlagState | undefined,
  source: FlagSource,
): CompiledFlag {
  const boolean = definition.kind === 'boolean'
  const offValue = boolean ? false : definition.defaultValue
  const onValue = boolean ? true : (state?.value ?? definition.defaultValue)
  const on = {
    targeted: result(onValue, true, 'TARGETING_MATCH', source),
    split: result(onValue, true, 'SPLIT', source),
    plain: result(onValue, true, 'STATIC', source),
  }
  const off = {
    targeted: result(offValue, false, 'TARGETING_MATCH', source),
    unmatched: result(offValue, false, 'DEFAULT', source),
    split: result(offValue, false, 'SPLIT', source),
  }
  const compiled: CompiledFlag = {
    definition,
    source,
    state,
    constant: undefined,
    allow: state?.allow?.length ? new Set(state.allow) : undefined,
    deny: state?.deny?.length ? new Set(state.deny) : undefined,
    rules: state?.rules?.length ? state.rules.map((rule) => parseRule(rule) as CompiledRule) : undefined,
    rollout: state?.rollout ?? 100,
    allowOnly: Boolean(state?.allow?.length) && !state?.rules?.length && state?.rollout === undefined,
    stickiness: state?.stickiness ?? 'userId',
    weights: undefined,
    totalWeight: 0,
    on,
    off,
  }
  if (state?.weights) {
    let upTo = 0
    const weights: WeightedResult[] = []
    for (const [key, weight] of Object.entries(state.weights)) {
      if (weight === 0) continue
      upTo += weight
      const value = valueFromText(definition, key, definition.name)
      weights.push({ upTo, result: result(value, boolean ? value === true : true, 'SPLIT', source, key) })
    }
    compiled.weights = weights
    compiled.totalWeight = upTo
  }
  if (!state) {
    compiled.constant = result(
      definition.defaultValue,
      boolean ? definition.defaultValue === true : true,
      'DEFAULT',
      source,
    )
  } else if (state.enabled === false) {
    compiled.constant = result(offValue, false, 'DISABLED', source)
  } else if (
    !compiled.allow &&
    !compiled.deny &&
    !compiled.rules &&
    compiled.rollout === 100 &&
    !compiled.weights
  ) {
    compiled.constant = on.plain
  }
  return compiled
}

function stickyKey(flag: CompiledFlag, context: EvaluationContext | undefined): string | undefined {
  const raw = flag.stickiness === 'userId' ? context?.userId : context?.attributes?.[flag.stickiness]
  return raw === undefined || raw === null || raw === '' ? undefined : String(raw)
}

function pickWeighted(flag: CompiledFlag, key: string | undefined, fallback: FlagEvaluation): FlagEvaluation {
  const weights = flag.weights!
  // Without a sticky key a random pick would flip between requests: serve the plain value instead.
  if (key === undefined) return fallback
  const target = normalizedValue(key, flag.definition.name, flag.totalWeight, VARIANT_SEED)
  for (const weighted of weights) if (target <= weighted.upTo) return weighted.result
  return weights[weights.length - 1]!.result
}

/** Enabled → deny → allow → rules → rollout → weights (docs/feature-flags.md, "How a flag is decided"). */
export function evaluateFlag(flag: CompiledFlag, context: EvaluationContext | undefined): FlagEvaluation {
  if (flag.constant !== undefined) return flag.constant
  const userId = context?.userId
  if (userId !== undefined && (flag.deny !== undefined || flag.allow !== undefined)) {
    const id = typeof userId === 'string' ? userId : String(userId)
    if (flag.deny?.has(id)) return flag.off.targeted
    if (flag.allow?.has(id)) {
      return flag.weights ? pickWeighted(flag, stickyKey(flag, context), flag.on.targeted) : flag.on.targeted
    }
  }
  if (flag.allowOnly) return flag.off.unmatched
  if (flag.rules !== undefined) {
    for (const rule of flag.rules) if (!ruleMatches(rule, context)) return flag.off.unmatched
  }
  let key: string | undefined
  if (flag.rollout < 100) {
    key = stickyKey(flag, context)
    // Anonymous requests are outside a partial rollout: a random answer would flip between requests.
    if (key === undefined || flag.rollout === 0) return flag.off.split
    if (normalizedValue(key, flag.definition.name) > flag.rollout) return flag.off.split
  }
  if (flag.weights !== undefined) {
    return pickWeighted(flag, key ?? stickyKey(flag, context), flag.rules ? flag.on.targeted : flag.on.plain)
  }
  if (flag.rollout < 100) return flag.on.split
  return flag.rules !== undefined ? flag.on.targeted : flag.on.plain
}
