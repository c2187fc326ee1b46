import { createRequire } from 'node:module'
import { KitError } from './kit-error.ts'

/**
 * Imports an optional dependency on first use, with an error that says what
 * to install (unstorage's driver pattern): SDKs users do not configure cost
 * nothing at start-up.
 */
export async function importOptional<T>(name: string, feature: string): Promise<T> {
  try {
    return (await import(name)) as T
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw missingDependency(name, feature, error)
    throw error
  }
}

function missingDependency(name: string, feature: string, cause: unknown): KitError {
  return new KitError(
    'KIT_INTERNAL_MISSING_DEPENDENCY',
    `${feature} needs the package "${name}", which is not installed. Run \`npm install ${name}\` (or pnpm add / yarn add) in your app.`,
    { cause },
  )
}

const requireFromHere = createRequire(import.meta.url)

/**
 * Synchronous variant for members created lazily on first property access
 * (`kit.db`, `kit.redis`). Resolves from the app's working directory first,
 * so a driver the app installed (pg, mysql2) is found even when kit's own
 * folder does not list it.
 */
export function requireOptional<T>(name: string, feature: string): T {
  try {
    try {
      return createRequire(`${process.cwd()}/`)(name) as T
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error
      return requireFromHere(name) as T
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND')
      throw missingDependency(name, feature, error)
    throw error
  }
}
