import { createRequire } from 'node:module'
import type * as Zod from 'zod'

let zod: typeof Zod | undefined

/**
 * zod, loaded on first use. zod is 95 ES-module files (≈50 ms of start-up on
 * Node 20), and an app with no env schema of its own never needs it: the
 * built-in variables are checked without it (check.ts). It is `require`d
 * because the first use is synchronous (a helper such as `int()` building a
 * schema, or `z.string()`); zod ships a CommonJS build, and zod 4 schemas of
 * its CommonJS and ES-module copies work together (docs/internals/module-loading.md).
 */
export function loadZod(): typeof Zod {
  zod ??= createRequire(import.meta.url)('zod') as typeof Zod
  return zod
}
