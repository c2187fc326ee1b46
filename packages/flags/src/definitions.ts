import { didYouMean, KitError } from '@kit/internal'
import type { FlagDefinitions, FlagValue } from './types.ts'

export type FlagKind = 'boolean' | 'string' | 'number'

/** A definition checked once at creation, with what evaluation needs precomputed. */
export interface ResolvedDefinition {
  name: string
  kind: FlagKind
  defaultValue: FlagValue
  description: string | undefined
  /** Allowed values of a variant flag. */
  variants: readonly FlagValue[] | undefined
  /** FLAG_NEW_CHECKOUT for newCheckout. */
  envName: string
}

// Names go into env variable names, database keys (191 characters fit a MySQL utf8mb4 index) and CLI arguments.
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,190}$/
const DEFINITION_KEYS = ['default', 'description', 'variants']

export function kindOf(value: unknown): FlagKind | undefined {
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number' && Number.isFinite(value)) return 'number'
  return undefined
}

/** newCheckout → FLAG_NEW_CHECKOUT; checkout-v2 → FLAG_CHECKOUT_V2. */
export function envNameOf(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase()
  return `FLAG_${snake}`
}

function invalid(message: string): KitError {
  return new KitError('KIT_FLAGS_INVALID_DEFINITION', message)
}

export function resolveDefinitions(definitions: unknown): Map<string, ResolvedDefinition> {
  if (definitions === null || typeof definitions !== 'object' || Array.isArray(definitions)) {
    throw invalid(
      'createFlags(definitions): definitions must be an object of flags, e.g. `{ newCheckout: { default: false } }`.',
    )
  }
  const resolved = new Map<string, ResolvedDefinition>()
  const byEnvName = new Map<string, string>()
  for (const [name, raw] of Object.entries(definitions as FlagDefinitions)) {
    if (!NAME.test(name)) {
      throw invalid(
        `Flag name "${name}" is not allowed: start with a letter and use letters, digits, "_", "-" or "." (at most 191 characters).`,
      )
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw invalid(
        `Flag "${name}" must be an object like \`{ default: false }\`, got ${JSON.stringify(raw)}.`,
      )
    }
    for (const key of Object.keys(raw)) {
      if (!DEFINITION_KEYS.includes(key)) {
        throw invalid(
          `Flag "${name}" has an unknown key "${key}"; a definition holds default, description and variants.${didYouMean(key, DEFINITION_KEYS)}`,
        )
      }
    }
    const kind = kindOf(raw.default)
    if (!kind) {
      throw invalid(
        `Flag "${name}": default must be a boolean, a string or a finite number, got ${raw.default === undefined ? 'nothing' : JSON.stringify(raw.default)}.`,
      )
    }
    if (raw.description !== undefined && typeof raw.description !== 'string') {
      throw invalid(`Flag "${name}": description must be a string.`)
    }
    const variants = raw.variants === undefined ? undefined : checkVariants(name, kind, raw)
    const envName = envNameOf(name)
    const clash = byEnvName.get(envName)
    if (clash) {
      throw invalid(`Flags "${clash}" and "${name}" would both be set by ${envName}; rename one of them.`)
    }
    byEnvName.set(envName, name)
    resolved.set(name, {
      name,
      kind,
      defaultValue: raw.default,
      description: raw.description,
      variants,
      envName,
    })
  }
  return resolved
}

function checkVariants(
  name: string,
  kind: FlagKind,
  raw: { default: FlagValue; variants?: readonly FlagValue[] },
): readonly FlagValue[] {
  const variants = raw.variants
  if (!Array.isArray(variants) || variants.length === 0) {
    throw invalid(`Flag "${name}": variants must be a non-empty array, e.g. ['a', 'b'].`)
  }
  if (kind === 'boolean') {
    throw invalid(
      `Flag "${name}" is a boolean flag: remove variants (an on/off split is a rollout; weights { true, false } work too).`,
    )
  }
  for (const variant of variants) {
    if (kindOf(variant) !== kind) {
      throw invalid(
        `Flag "${name}": every variant must be a ${kind} like the default, got ${JSON.stringify(variant)}.`,
      )
    }
  }
  if (new Set(variants).size !== variants.length) throw invalid(`Flag "${name}": variants repeat a value.`)
  if (!variants.includes(raw.default)) {
    throw invalid(
      `Flag "${name}": the default ${JSON.stringify(raw.default)} is not one of its variants (${variants.map((v) => JSON.stringify(v)).join(', ')}).`,
    )
  }
  return Object.freeze([...variants])
}
