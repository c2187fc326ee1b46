// Injected by scripts/bundle.mjs into the CommonJS build (dist/cjs/) only, as
// the value of `import.meta.url` (a `define`): CommonJS has no import.meta,
// and the source uses import.meta.url for createRequire() and jiti, which
// need this file's own location. Computed on load, once per file that uses it;
// the pure annotation lets esbuild leave it out of the files that do not.
export const __kitImportMetaUrl = /* @__PURE__ */ (() => require('node:url').pathToFileURL(__filename).href)()
