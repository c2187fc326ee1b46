// `pnpm pack:all [folder]`: packs every public package of the workspace into
// one folder (default: kit-tarballs/ at the repository root), as users install
// kit before it is published: `npm install <folder>/*.tgz`. Run `pnpm build`
// first: the tarballs carry dist/ as it is.
//
// Each `pnpm pack` runs with scripts/pack-hooks.cjs as its pnpmfile, whose
// beforePacking hook drops the `@kit/source` export condition (it points at
// src/*.ts, which tarballs do not ship); package.json `files` leaves out
// dist/.tsbuildinfo. Both are checked here, on the tarballs themselves, as is
// that `main`/`types`/`typesVersions` agree with `exports` and that every file
// an export names (ES module, CommonJS build, declarations) is in the tarball.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The workspace's public packages: `{ dir, json }`, in folder order. */
export function publicPackages() {
  return readdirSync(join(root, 'packages'))
    .map((name) => {
      const dir = join(root, 'packages', name)
      return { dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }
    })
    .filter(({ json }) => !json.private)
}

/** Packs every public package into `destination` (emptied first); returns `{ name: tarballPath }`. */
export function packAll(destination) {
  rmSync(destination, { recursive: true, force: true })
  mkdirSync(destination, { recursive: true })
  const env = { ...process.env, npm_config_pnpmfile: join(root, 'scripts', 'pack-hooks.cjs') }
  const tarballs = {}
  for (const { dir, json } of publicPackages()) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: dir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const tarball = out.trim().split('\n').pop()
    checkTarball(json.name, tarball)
    tarballs[json.name] = tarball
  }
  return tarballs
}

function checkTarball(name, tarball) {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n')
  const buildInfo = files.filter((f) => f.endsWith('.tsbuildinfo'))
  if (buildInfo.length > 0) throw new Error(`${name}: the tarball ships ${buildInfo.join(', ')}`)
  const manifest = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })
  if (manifest.includes('@kit/source') || manifest.includes('./src/'))
    throw new Error(`${name}: the packed package.json still points at src/ (the @kit/source condition)`)
  if (manifest.includes('workspace:') || manifest.includes('catalog:'))
    throw new Error(`${name}: the packed package.json has an unresolved workspace: or catalog: range`)
  const json = JSON.parse(manifest)
  const problem = legacyFieldsProblem(json) ?? missingTargets(json, files)
  if (problem) throw new Error(`${name}: ${problem}`)
}

/**
 * Each condition of each export (`import`, `require`, `types`, `default`) must
 * name a file the tarball ships; for a pattern (`./transports/*`), every
 * declaration file it matches must have its ES module and CommonJS file.
 */
function missingTargets(json, files) {
  const shipped = new Set(files.map((f) => f.replace(/^package\//, './')))
  const missing = []
  for (const [key, conditions] of Object.entries(json.exports)) {
    if (typeof conditions !== 'object') continue
    if (!conditions.require) missing.push(`exports["${key}"] has no "require" (CommonJS) condition`)
    if (!key.includes('*')) {
      for (const target of Object.values(conditions)) if (!shipped.has(target)) missing.push(target)
      continue
    }
    const [before, after] = conditions.types.split('*')
    const names = [...shipped]
      .filter((f) => f.startsWith(before) && f.endsWith(after))
      .map((f) => f.slice(before.length, f.length - after.length))
    if (names.length === 0) missing.push(conditions.types)
    for (const name of names)
      for (const target of Object.values(conditions))
        if (!shipped.has(target.replace('*', name))) missing.push(target.replace('*', name))
  }
  return missing.length > 0 ? `the tarball lacks ${[...new Set(missing)].join(', ')}` : undefined
}

/**
 * TypeScript on `moduleResolution: "node"` (node10, still the default of
 * `module: "commonjs"`) ignores `exports`: it finds the root entry through
 * `types`/`main` and each subpath only through `typesVersions`. Without them,
 * such apps get TS2307 for every `@kit/*` import. They must say what
 * `exports` says (docs/internals/packaging.md).
 */
function legacyFieldsProblem(json) {
  const root = json.exports?.['.']
  // `main` is for loaders that ignore `exports` (old Jest, TypeScript's node10): the CommonJS build.
  if (json.main !== root?.require) return `"main" is ${json.main}, exports["."].require says ${root?.require}`
  if (json.types !== root?.types) return `"types" is ${json.types}, exports["."] says ${root?.types}`
  const mapped = json.typesVersions?.['*'] ?? {}
  for (const [key, value] of Object.entries(json.exports)) {
    if (key === '.' || key === './package.json') continue
    const paths = mapped[key.slice(2)]
    if (paths?.length !== 1 || paths[0] !== value.types)
      return `typesVersions["*"]["${key.slice(2)}"] should be ["${value.types}"] (exports["${key}"].types)`
  }
  const extra = Object.keys(mapped).filter((subpath) => !(`./${subpath}` in json.exports))
  if (extra.length > 0) return `typesVersions maps ${extra.join(', ')}, which exports does not list`
  return undefined
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.argv[2] ?? join(root, 'kit-tarballs'))
  const tarballs = packAll(destination)
  console.log(`${Object.keys(tarballs).length} packages packed into ${destination}`)
  console.log(`install them all in an app: npm install ${destination}/*.tgz`)
}
