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
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
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
  // A committed bin wrapper (bin/kit.js: `import('../dist/cli/bin.js')`) names an entry point too.
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
      if (name === 'chunks') rmSync(path, { recursive: true, force: true })
      else cleanJs(path)
    } else if (/\.js(\.map)?$/.test(name) && !name.endsWith('.d.ts.map')) rmSync(path)
  }
}

/**
 * @kit/env's `export { z } from 'zod'` becomes src/lazy-z.ts's `z`, which loads
 * zod on first use: the source keeps the re-export so the declarations keep
 * `z` a namespace (`z.infer<...>`), and only the JavaScript changes.
 */
const lazyZod = {
  name: 'kit-lazy-zod',
  setup(build) {
    const index = join(root, 'packages', 'env', 'src', 'index.ts')
    build.onResolve({ filter: /^zod$/ }, (args) =>
      args.importer === index ? { path: join(root, 'packages', 'env', 'src', 'lazy-z.ts') } : undefined,
    )
  },
}

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
    plugins: [lazyZod],
  }
  await assertNoRenamedClass(json.name, options)
  const result = await build(options)
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))
  return { name: json.name, entries: Object.keys(entries).length, files: files.length }
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
    console.log(`${r.name}: ${r.entries} entry points → ${r.files} JavaScript files in dist/`)
}
