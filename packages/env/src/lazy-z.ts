import type { z as Z } from 'zod'
import { loadZod } from './lazy-zod.ts'

/**
 * The `z` that the built package exports: zod's `z`, loaded the first time a
 * property is read (`z.string()`), so that `import { productionize } from
 * '@kit/core'` does not load zod. scripts/bundle.mjs puts it in place of
 * index.ts's `export { z } from 'zod'`, which stays in the source so the
 * declarations keep `z` a namespace (`z.infer<typeof schema>`); the tests
 * run the source, and lazy-z.test.ts checks this object.
 */
export const z: typeof Z = new Proxy({} as typeof Z, {
  get: (_target, key) => Reflect.get(loadZod().z, key),
  has: (_target, key) => Reflect.has(loadZod().z, key),
  ownKeys: () => Reflect.ownKeys(loadZod().z),
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(loadZod().z, key)
    // The proxy's target has none of these properties, so none may be reported as non-configurable.
    return descriptor && { ...descriptor, configurable: true }
  },
})
