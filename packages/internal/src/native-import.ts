/** True in kit's CommonJS build only: scripts/bundle.mjs defines it there. */
declare const __KIT_COMMONJS_BUILD__: boolean

type Import = (specifier: string) => Promise<Record<string, unknown>>

/**
 * Node's own `import()`, where a user's file may be an ES module (a
 * migration). The CommonJS build turns every `import()` esbuild can see into
 * `require()`, which cannot load an ES module with top-level await nor a file
 * URL with a version query, so there the `import()` is hidden in a Function
 * body. Only there: in the ES build a plain `import()` keeps the caller's
 * loader (vitest's, which a Function body would bypass).
 * See docs/internals/module-loading.md#the-commonjs-build-distcjs.
 */
export const nativeImport: Import =
  typeof __KIT_COMMONJS_BUILD__ !== 'undefined'
    ? (new Function('specifier', 'return import(specifier)') as Import)
    : (specifier) => import(specifier)
