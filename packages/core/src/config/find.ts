import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { KitError } from '@kit/internal'

/** Looked up in this order in each folder of CONFIG_FOLDERS; the first that exists is used. */
export const CONFIG_FILES: readonly string[] = Object.freeze([
  'kit.config.ts',
  'kit.config.mts',
  'kit.config.mjs',
  'kit.config.js',
])

/**
 * Where kit.config may live without a package.json `kit.config` field: the
 * app's folder, then `src/`. A TypeScript app whose tsconfig has
 * `rootDir: "src"` (or `include: ["src"]`) cannot import a config from
 * outside src/ without breaking its build, so `kit init` puts it in src/
 * there (docs/configuration.md, "Where kit.config lives").
 */
export const CONFIG_FOLDERS: readonly string[] = Object.freeze(['.', 'src'])

/** package.json `"kit": { "config": "app/kit.config.ts" }`: a config anywhere else, relative to the app's folder. */
function configFromPackageJson(cwd: string): string | undefined {
  const manifest = resolve(cwd, 'package.json')
  if (!existsSync(manifest)) return undefined
  let field: unknown
  try {
    field = (JSON.parse(readFileSync(manifest, 'utf8')) as { kit?: { config?: unknown } }).kit?.config
  } catch {
    // A package.json that is not JSON is npm's problem to report, not kit's.
    return undefined
  }
  if (field === undefined) return undefined
  if (typeof field !== 'string' || field.trim() === '') {
    throw new KitError(
      'KIT_CONFIG_NOT_FOUND',
      `package.json "kit": { "config": ... } must be the path of the kit.config file, relative to ${cwd}, e.g. "app/kit.config.ts"; got ${JSON.stringify(field)}.`,
    )
  }
  const path = resolve(cwd, field)
  if (!existsSync(path)) {
    throw new KitError(
      'KIT_CONFIG_NOT_FOUND',
      `package.json "kit": { "config": "${field}" } names a file that does not exist (${path}). Fix the path, or remove the field to use kit.config.ts in the app's folder or in src/.`,
    )
  }
  return path
}

/** The app's kit.config: package.json `kit.config`, else kit.config.* in the app's folder, else in src/. */
export function findConfigFile(cwd: string): string | undefined {
  const named = configFromPackageJson(cwd)
  if (named) return named
  for (const folder of CONFIG_FOLDERS) {
    for (const name of CONFIG_FILES) {
      const path = resolve(cwd, folder, name)
      if (existsSync(path)) return path
    }
  }
  return undefined
}
