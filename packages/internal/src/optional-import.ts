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
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new KitError(
        'KIT_INTERNAL_MISSING_DEPENDENCY',
        `${feature} needs the package "${name}", which is not installed. Run \`npm install ${name}\` (or pnpm add / yarn add) in your app.`,
        { cause: error },
      )
    }
    throw error
  }
}
