import { stat } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { nativeImport } from '@kit/internal'

type Jiti = { import(id: string): Promise<unknown> }
let jiti: Promise<Jiti> | undefined

/**
 * Imports a migration or a knexfile. Node 20 cannot import .ts: jiti (a
 * dependency of this package, so no TypeScript install is needed) compiles
 * it in memory, and is loaded only when a .ts file is imported. Everything
 * else goes through Node's own import().
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?ts$/.test(path)) {
    jiti ??= import('jiti').then(({ createJiti }) =>
      createJiti(import.meta.url, { interopDefault: false, moduleCache: false }),
    )
    return (await (await jiti).import(path)) as Record<string, unknown>
  }
  // The version query makes a process that releases twice (tests, a long-lived runner) see an edited file.
  const { mtimeMs, size } = await stat(path)
  // nativeImport: from kit's CommonJS build too, a migration may be an ES module.
  return await nativeImport(`${pathToFileURL(path).href}?v=${mtimeMs}-${size}`)
}
