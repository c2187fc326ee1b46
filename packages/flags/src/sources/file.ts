import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { KitError } from '@kit/internal'
import type { ResolvedDefinition } from '../definitions.ts'
import { parseJsonObject } from './json.ts'
import { type Layer, readLayer } from './layer.ts'

export const DEFAULT_FLAGS_FILE = 'flags.json'

/**
 * flags.json (or the configured file): read once at creation. The default
 * file is optional; a file named in the options must exist.
 */
export function readFileLayer(
  file: string | false,
  explicit: boolean,
  cwd: string,
  definitions: ReadonlyMap<string, ResolvedDefinition>,
): { layer: Layer; unknown: string[]; path: string | undefined } {
  if (file === false) return { layer: new Map(), unknown: [], path: undefined }
  const path = resolve(cwd, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !explicit) return { layer: new Map(), unknown: [], path: undefined }
    if (code === 'ENOENT') {
      throw new KitError(
        'KIT_FLAGS_FILE_NOT_FOUND',
        `The flags file ${path} (option \`file: ${JSON.stringify(file)}\`) does not exist. Create it, correct the path, or remove the option.`,
      )
    }
    throw error
  }
  const object = parseJsonObject(text, path)
  return { ...readLayer(object, definitions, path), path }
}
