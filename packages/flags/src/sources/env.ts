import { didYouMean } from '@kit/internal'
import type { ResolvedDefinition } from '../definitions.ts'
import { parseState, valueFromText } from '../state.ts'
import { parseJsonObject } from './json.ts'
import { type Layer, readLayer } from './layer.ts'

/** The variables @kit/flags reads (a structural subset of kit's env). */
export interface FlagsEnv {
  /** JSON object of flag name → value or state: `{"newCheckout": true, "checkoutCopy": "b"}`. */
  FEATURE_FLAGS?: string | undefined
  NODE_ENV?: string | undefined
  /** One flag each: FLAG_NEW_CHECKOUT=true, FLAG_CHECKOUT_COPY=b, or a JSON state object. */
  [name: `FLAG_${string}`]: string | undefined
}

/**
 * FEATURE_FLAGS, then FLAG_* on top (the narrower variable wins). Empty
 * values count as unset, as everywhere in kit.
 */
export function readEnvLayer(
  env: Readonly<Record<string, string | undefined>>,
  definitions: ReadonlyMap<string, ResolvedDefinition>,
): { layer: Layer; unknown: string[] } {
  const raw = env.FEATURE_FLAGS
  const fromJson =
    raw !== undefined && raw.trim() !== ''
      ? readLayer(parseJsonObject(raw, 'FEATURE_FLAGS'), definitions, 'FEATURE_FLAGS')
      : { layer: new Map() as Layer, unknown: [] }
  const layer = fromJson.layer
  const unknown = fromJson.unknown.map((name) => `${name} (in FEATURE_FLAGS)`)

  const byEnvName = new Map<string, ResolvedDefinition>()
  for (const definition of definitions.values()) byEnvName.set(definition.envName, definition)
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('FLAG_') || value === undefined || value.trim() === '') continue
    const definition = byEnvName.get(name)
    if (!definition) {
      unknown.push(`${name}${didYouMean(name, byEnvName.keys())}`)
      continue
    }
    const trimmed = value.trim()
    layer.set(
      definition.name,
      trimmed.startsWith('{')
        ? parseState(definition, parseJsonObject(trimmed, name), name)
        : parseState(definition, valueFromText(definition, trimmed, name), name),
    )
  }
  return { layer, unknown }
}
