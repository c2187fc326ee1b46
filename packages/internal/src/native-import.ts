/**
 * Node's own `import()`, where a user's file may be an ES module (a
 * migration). Hidden from esbuild in a Function body: the CommonJS build turns
 * every `import()` it can see into `require()`, which cannot load an ES module
 * with top-level await nor a file URL with a version query.
 * See docs/internals/module-loading.md#the-commonjs-build.
 */
export const nativeImport = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>
