import { didYouMean } from '@kit/internal'
import type { ResolvedDefinition } from '../definitions.ts'
import { parseState } from '../state.ts'
import type { FlagState } from '../types.ts'

/** A source's opinion: the state of each flag it mentions. */
export type Layer = Map<string, FlagState>

/**
 * Reads an object of flag name → state. Unknown names are returned (the
 * caller warns about them: a stale entry must not stop the app); a known
 * flag with a bad value throws.
 */
export function readLayer(
  object: Record<string, unknown>,
  definitions: ReadonlyMap<string, ResolvedDefinition>,
  where: string,
): { layer: Layer; unknown: string[] } {
  const layer: Layer = new Map()
  const unknown: string[] = []
  for (const [name, value] of Object.entries(object)) {
    // "$schema", "$comment": editor and documentation keys.
    if (name.startsWith('$')) continue
    const definition = definitions.get(name)
    if (!definition) {
      unknown.push(`${name}${didYouMean(name, definitions.keys())}`)
      continue
    }
    layer.set(name, parseState(definition, value, `${where}: ${name}`))
  }
  return { layer, unknown }
}
