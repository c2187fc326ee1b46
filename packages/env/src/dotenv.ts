import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { KitError } from '@kit/internal'

/** Files read in development and test, lowest precedence first; the real environment beats both. */
export const DOTENV_FILES: readonly string[] = Object.freeze(['.env', '.env.local'])

export interface DotenvValues {
  /** Variable → value, later files overriding earlier ones. */
  values: Record<string, string>
  /** Variable → the file it came from. */
  origins: Record<string, string>
  /** Files that existed and were read. */
  files: string[]
}

/** Reads .env then .env.local from `cwd` with Node's own parser (util.parseEnv); missing files are skipped. */
export function readDotenvFiles(cwd: string): DotenvValues {
  const result: DotenvValues = { values: {}, origins: {}, files: [] }
  for (const name of DOTENV_FILES) {
    const path = join(cwd, name)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') continue
      throw new KitError('KIT_ENV_DOTENV_UNREADABLE', `Could not read ${path}: ${code ?? String(error)}.`, {
        cause: error,
      })
    }
    result.files.push(path)
    for (const [key, value] of Object.entries(parseEnv(text))) {
      if (value === undefined) continue
      result.values[key] = value
      result.origins[key] = name
    }
  }
  return result
}
