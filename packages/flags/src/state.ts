import { didYouMean, KitError } from '@kit/internal'
import { kindOf, type ResolvedDefinition } from './definitions.ts'
import { formatRule, parseRule } from './rules.ts'
import type { FlagState, FlagValue } from './types.ts'

const STATE_KEYS = ['enabled', 'value', 'allow', 'deny', 'rules', 'rollout', 'stickiness', 'weights']
const TRUE_WORDS = new Set(['true', 'on', '1', 'yes'])
const FALSE_WORDS = new Set(['false', 'off', '0', 'no'])

function invalid(where: string, problem: string): KitError {
  return new KitError('KIT_FLAGS_INVALID_VALUE', `${where}: ${problem}`)
}

function show(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/**
 * A value of the flag's type, checked against its variants. `where` names
 * the source for the message ("flags.json: newCheckout", "FLAG_NEW_CHECKOUT").
 */
export function checkValue(definition: ResolvedDefinition, value: unknown, where: string): FlagValue {
  if (kindOf(value) !== definition.kind) {
    throw invalid(where, `${definition.name} is a ${definition.kind} flag, got ${show(value)}.`)
  }
  const checked = value as FlagValue
  if (definition.variants && !definition.variants.includes(checked)) {
    throw invalid(
      where,
      `${show(value)} is not a variant of ${definition.name} (${definition.variants.map(show).join(', ')}).`,
    )
  }
  return checked
}

/** A value written as text (env variables, CLI arguments, weight keys) read as the flag's type. */
export function valueFromText(definition: ResolvedDefinition, text: string, where: string): FlagValue {
  const trimmed = text.trim()
  if (definition.kind === 'boolean') {
    const lower = trimmed.toLowerCase()
    if (TRUE_WORDS.has(lower)) return true
    if (FALSE_WORDS.has(lower)) return false
    throw invalid(
      where,
      `${definition.name} is a boolean flag: use true/false (or on/off, 1/0), got ${show(text)}.`,
    )
  }
  if (definition.kind === 'number') {
    const number = trimmed === '' ? Number.NaN : Number(trimmed)
    if (!Number.isFinite(number))
      throw invalid(where, `${definition.name} is a number flag, got ${show(text)}.`)
    return checkValue(definition, number, where)
  }
  return checkValue(definition, text, where)
}

function userIds(value: unknown, key: string, where: string): string[] {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string' || typeof id === 'number')) {
    throw invalid(where, `${key} must be an array of user ids (strings or numbers), got ${show(value)}.`)
  }
  return [...new Set(value.map(String))]
}

/**
 * Reads a flag's state from any source into its normal form, or throws a
 * KitError that names the source and the problem. A bare value is
 * shorthand: `true`/`false` switch a boolean flag, `"b"` serves a value.
 */
export function parseState(definition: ResolvedDefinition, input: unknown, where: string): FlagState {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const value = checkValue(definition, input, where)
    return definition.kind === 'boolean' ? { enabled: value as boolean } : { enabled: true, value }
  }
  const raw = input as Record<string, unknown>
  for (const key of Object.keys(raw)) {
    if (!STATE_KEYS.includes(key)) {
      throw invalid(
        where,
        `unknown setting "${key}" (settings: ${STATE_KEYS.join(', ')}).${didYouMean(key, STATE_KEYS)}`,
      )
    }
  }
  const state: FlagState = {}
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled !== 'boolean')
      throw invalid(where, `enabled must be true or false, got ${show(raw.enabled)}.`)
    state.enabled = raw.enabled
  }
  if (raw.value !== undefined) {
    if (definition.kind === 'boolean') {
      throw invalid(where, `${definition.name} is a boolean flag: use "enabled" instead of "value".`)
    }
    state.value = checkValue(definition, raw.value, `${where} (value)`)
  }
  if (raw.allow !== undefined) state.allow = userIds(raw.allow, 'allow', where)
  if (raw.deny !== undefined) state.deny = userIds(raw.deny, 'deny', where)
  if (raw.rules !== undefined) {
    if (!Array.isArray(raw.rules)) throw invalid(where, `rules must be an array, got ${show(raw.rules)}.`)
    state.rules = raw.rules.map((rule) => {
      const parsed = parseRule(rule)
      if (typeof parsed === 'string') throw invalid(where, `rule ${show(rule)}: ${parsed}.`)
      return formatRule(parsed)
    })
  }
  if (raw.rollout !== undefined) {
    const rollout = raw.rollout
    if (typeof rollout !== 'number' || !Number.isInteger(rollout) || rollout < 0 || rollout > 100) {
      throw invalid(where, `rollout must be a whole percentage from 0 to 100, got ${show(rollout)}.`)
    }
    state.rollout = rollout
  }
  if (raw.stickiness !== undefined) {
    if (typeof raw.stickiness !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(raw.stickiness)) {
      throw invalid(where, `stickiness must be "userId" or an attribute name, got ${show(raw.stickiness)}.`)
    }
    state.stickiness = raw.stickiness
  }
  if (raw.weights !== undefined) state.weights = parseWeights(definition, raw.weights, where)
  return state
}

/** `{ a: 50, b: 50 }`: keys are values of the flag, weights whole numbers ≥ 0 with a positive total. */
export function parseWeights(
  definition: ResolvedDefinition,
  input: unknown,
  where: string,
): Record<string, number> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(
      where,
      `weights must be an object of value → weight, e.g. { "a": 50, "b": 50 }, got ${show(input)}.`,
    )
  }
  const weights: Record<string, number> = {}
  let total = 0
  for (const [key, weight] of Object.entries(input as Record<string, unknown>)) {
    const value = valueFromText(definition, key, `${where} (weights)`)
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0) {
      throw invalid(where, `the weight of ${show(key)} must be a whole number ≥ 0, got ${show(weight)}.`)
    }
    const canonical = String(value)
    if (canonical in weights) throw invalid(where, `weights name ${show(canonical)} twice.`)
    weights[canonical] = weight
    total += weight
  }
  if (total <= 0) throw invalid(where, 'weights must add up to more than 0.')
  return weights
}
