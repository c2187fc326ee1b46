// `node scripts/bundle.mjs [package ...]`, the JavaScript half of `pnpm build`:
// each public package's export entry points (the `@kit/source` files of its
// package.json `exports`) bundled by esbuild into dist/, one file per entry
// point plus the chunks entry points share. tsc -b writes only the .d.ts files
// (emitDeclarationOnly). Why: Node's ES-module loader pays per file (resolve,
// stat, read, compile, link), and kit's ~280 small files cost more at start-up
// than their code; see docs/internals/module-loading.md.
//
// Every bare import stays external (dependencies, optional peers, other @kit
// packages, node: built-ins), so a package still loads its dependencies from
// node_modules and an optional peer is still loaded only where the source
// imports it. Dynamic `import('./x.ts')` of the package's own files become
// chunks of their own, so what the source loads lazily stays lazy.
//
// A second pass writes the CommonJS build (dist/cjs/**/*.cjs, the `require`
// condition of each export), for apps whose loader cannot take ES modules:
// Jest's module system, above all. See bundleCommonJs() and
// docs/internals/module-loading.md#the-commonjs-build.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The entry points of one package: `{ 'dist path without .js': 'src path' }`, from its exports map. */
export function entryPoints(dir, json) {
  const entries = {}
  for (const [subpath, target] of Object.entries(json.exports ?? {})) {
    const source = typeof target === 'object' ? target['@kit/source'] : undefined
    if (!source) continue
    if (!source.includes('*')) {
      entries[distName(source)] = join(dir, source)
      continue
    }
    // A pattern export (`./transports/*`): one entry point per matching source file.
    const [before, after] = source.split('*')
    const folder = join(dir, before)
    for (const file of readdirSync(folder)) {
      if (!file.endsWith(after) || file.endsWith('.d.ts')) continue
      entries[distName(before + file)] = join(folder, file)
    }
    if (!subpath.includes('*')) throw new Error(`${json.name}: ${subpath} maps to a pattern`)
  }
  return { ...entries, ...binEntries(dir, json) }
}

/** A committed bin wrapper (bin/kit.js: `import('../dist/cli/bin.js')`) names an entry point too. */
function binEntries(dir, json) {
  const entries = {}
  for (const wrapper of Object.values(typeof json.bin === 'string' ? { bin: json.bin } : (json.bin ?? {}))) {
    const code = readFileSync(join(dir, wrapper), 'utf8')
    for (const [, target] of code.matchAll(/import\(?'\.\.\/dist\/([^']+)\.js'/g))
      entries[target] = join(dir, 'src', `${target}.ts`)
  }
  return entries
}

/** `./src/transports/smtp.ts` → `transports/smtp` (the dist path, as the `default` condition names it). */
function distName(source) {
  return source.replace(/^\.\/src\//, '').replace(/\.ts$/, '')
}

/** Removes the JavaScript a previous build left in dist/ (tsc's per-file output, old chunks); keeps .d.ts. */
function cleanJs(dist) {
  if (!existsSync(dist)) return
  for (const name of readdirSync(dist)) {
    const path = join(dist, name)
    if (statSync(path).isDirectory()) {
      if (name === 'chunks' || (name === 'cjs' && dist.endsWith('dist')))
        rmSync(path, { recursive: true, force: true })
      else cleanJs(path)
    } else if (/\.js(\.map)?$/.test(name) && !name.endsWith('.d.ts.map')) rmSync(path)
  }
}

/**
 * @kit/env's `export { z } from 'zod'` becomes src/lazy-z.ts's `z`, which loads
 * zod on first use: the source keeps the re-export so the declarations keep
 * `z` a namespace (`z.infer<...>`), and only the JavaScript changes.
 */
const lazyZod = (commonJs) => ({
  name: 'kit-lazy-zod',
  setup(build) {
    const index = join(root, 'packages', 'env', 'src', 'index.ts')
    // The CommonJS build requires its neighbour lazy-z.cjs (one copy of its state).
    const lazyZ = commonJs
      ? { path: './lazy-z.cjs', external: true }
      : { path: join(root, 'packages', 'env', 'src', 'lazy-z.ts') }
    build.onResolve({ filter: /^zod$/ }, (args) => (args.importer === index ? lazyZ : undefined))
  },
})

export async function bundlePackage(dir) {
  const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const entries = entryPoints(dir, json)
  const dist = join(dir, 'dist')
  cleanJs(dist)
  const options = {
    entryPoints: entries,
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: true,
    sourcesContent: false,
    // No `keepNames`: it wraps every function and closure in a `__name()` call (a
    // shared chunk more to load, and ≈1 % of an app's start-up instructions). JavaScript
    // names functions and classes from their source already; only a name esbuild
    // renames to avoid a collision between two modules would change, and
    // assertNoRenamedClass() below keeps that from happening to a class.
    keepNames: false,
    // The source's package.json says `sideEffects: false` for its consumers; its own
    // modules are bundled whole, as tsc emitted them.
    ignoreAnnotations: true,
    logLevel: 'warning',
    metafile: true,
    plugins: [lazyZod(false)],
  }
  await assertNoRenamedClass(json.name, options)
  const result = await build(options)
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))
  // The CLI's bin entry (top-level await) runs only as the ES module the wrapper imports.
  const cjs = await bundleCommonJs(dir, Object.values(binEntries(dir, json)))
  return { name: json.name, entries: Object.keys(entries).length, files: files.length, cjs }
}

/** Every source file of a package (src/**\/*.ts), for the file-per-file CommonJS build. */
function sourceFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/**
 * The CommonJS build: one .cjs file per source file under dist/cjs/, each
 * `require()`ing its neighbours (`./x.ts` → `./x.cjs`) and every bare import.
 * File per file, not bundled per entry point: esbuild splits chunks only for
 * ES modules, and a CommonJS bundle per entry point would give each entry point
 * its own copy of the package's module-level state (registries, once-warnings).
 *
 * - `supported: { 'dynamic-import': false }`: every `import()` becomes
 *   `Promise.resolve().then(() => require(...))`. Jest runs CommonJS in a vm
 *   context that has no dynamic-import callback, so an `import()` left in kit
 *   fails there ("outside of the scope of the test code" or
 *   ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). The one that must load a user's
 *   ES module (a migration file) goes through nativeImport() in @kit/internal,
 *   which hides its import() from esbuild where __KIT_COMMONJS_BUILD__ is defined.
 * - No keepNames, and no class can be renamed: esbuild renames only to avoid a
 *   collision between two modules bundled together, and each file is one module.
 * - `import.meta.url` is the file's own URL (from __filename; see
 *   scripts/cjs-shims.mjs); `import.meta.resolve` is undefined, as on a Node
 *   without it, and @kit/sentry falls back to require('@sentry/node').
 */
async function bundleCommonJs(dir, esmOnly) {
  const src = join(dir, 'src')
  const result = await build({
    entryPoints: sourceFiles(src).filter((file) => !esmOnly.includes(file)),
    outdir: join(dir, 'dist', 'cjs'),
    outbase: src,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    supported: { 'dynamic-import': false },
    define: {
      'import.meta.url': '__kitImportMetaUrl',
      'import.meta.resolve': 'undefined',
      // internal/src/native-import.ts: the one import() that must stay one.
      __KIT_COMMONJS_BUILD__: 'true',
    },
    inject: [join(root, 'scripts', 'cjs-shims.mjs')],
    sourcemap: true,
    sourcesContent: false,
    // Each output file is one source file (nothing else bundled in), so the only
    // annotation that matters is cjs-shims.mjs's own.
    logLevel: 'warning',
    metafile: true,
    plugins: [lazyZod(true), neighboursAsCommonJs(src)],
  })
  return Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.cjs')).length
}

/** A relative import of the package's own source stays a require() of its .cjs build. */
function neighboursAsCommonJs(src) {
  return {
    name: 'kit-neighbours-as-cjs',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === 'entry-point' || args.path.endsWith('cjs-shims.mjs')) return undefined
        const target = resolve(args.resolveDir, args.path)
        if (!target.startsWith(src)) return undefined
        const path = relative(args.resolveDir, target).replace(/\.ts$/, '.cjs')
        return { path: path.startsWith('.') ? path : `./${path}`, external: true }
      })
    },
  }
}

/**
 * Fails the build when esbuild renamed a class to avoid a collision (two modules of
 * one package declaring `class Foo`): without keepNames its `.name` (error names,
 * logs) would be `Foo2`. Found by an in-memory build with keepNames, which gives
 * each class `static { __name(this, "Foo") }` under its possibly renamed binding.
 * Renamed functions (`invalid2`) only change a stack frame's name and are allowed.
 */
async function assertNoRenamedClass(name, options) {
  const probe = await build({ ...options, keepNames: true, write: false, sourcemap: false, metafile: false })
  const renamed = []
  const named =
    /(?:(?:var|let|const) ([\w$]+) = class|class ([\w$]+))\b[^{]*\{\s*static \{\s*__name\(this, "([^"]+)"\)/g
  for (const file of probe.outputFiles) {
    for (const [, variable, declared, original] of file.text.matchAll(named)) {
      const binding = variable ?? declared
      if (binding !== original) renamed.push(`${original} (as ${binding})`)
    }
  }
  if (renamed.length > 0) {
    throw new Error(
      `${name}: esbuild renamed the class(es) ${renamed.join(', ')} because another module of the package declares the same name; give each class a unique name.`,
    )
  }
}

/** Public packages (not `private`), or the ones named on the command line. */
function packageDirs(names) {
  const all = readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private)
  if (names.length === 0) return all
  return names.map((name) => {
    // A package name (@kit/env), its folder name (env) or its path (`.` from a package's own build script).
    const dir = all.find(
      (d) => basename(d) === name.replace(/^@kit\//, '') || d === resolve(name).replace(/\/$/, ''),
    )
    if (!dir) throw new Error(`no public package ${name} under packages/`)
    return dir
  })
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await Promise.all(packageDirs(process.argv.slice(2)).map(bundlePackage))
  for (const r of results)
    console.log(
      `${r.name}: ${r.entries} entry points → ${r.files} JavaScript files in dist/, ${r.cjs} CommonJS files in dist/cjs/`,
    )
}
