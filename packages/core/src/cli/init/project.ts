import { existsSync, readFileSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import { KitError } from '@kit/internal'

export type Framework = 'express' | 'fastify'
/** How the entry file is loaded: decides import/require and whether top-level await is allowed. */
export type ModuleSystem = 'esm' | 'commonjs'

export interface Project {
  root: string
  framework: Framework
  moduleSystem: ModuleSystem
  typescript: boolean
  /** Every dependency name (dependencies and devDependencies). */
  dependencies: ReadonlySet<string>
  /** The version range package.json gives the framework. */
  frameworkRange?: string
  /** Absolute path of the file that creates the app and listens. */
  entry: string
  /** `node --experimental-strip-types` needs `.ts` in import paths; tsx and tsc take `.js`. */
  runsTypeScriptWithNode: boolean
  hasStartScript: boolean
}

interface PackageJson {
  type?: string
  main?: string
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

/** Where apps usually start, tried after package.json `main` and `scripts.start`. */
const COMMON_ENTRIES = [
  'src/server.ts',
  'src/app.ts',
  'src/index.ts',
  'src/main.ts',
  'server.ts',
  'app.ts',
  'index.ts',
  'src/server.js',
  'src/app.js',
  'src/index.js',
  'server.js',
  'app.js',
  'index.js',
  'src/server.mjs',
  'server.mjs',
  'app.mjs',
  'index.mjs',
  'server.cjs',
  'app.cjs',
  'index.cjs',
]

const SOURCE_FILE = /(?:^|\s)(?:\.\/)?([\w./-]+\.(?:[cm]?js|[cm]?ts))(?=\s|$)/

function readPackageJson(root: string): PackageJson {
  const path = join(root, 'package.json')
  if (!existsSync(path)) {
    throw new KitError(
      'KIT_CLI_INIT_NO_APP',
      `No package.json in ${root}. Run kit init in your app's folder, or pass --cwd <folder>.`,
    )
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson
  } catch (error) {
    throw new KitError('KIT_CLI_INIT_NO_APP', `${path} is not valid JSON: ${(error as Error).message}`)
  }
}

/** A built file (dist/app.js) is not what the user edits: map it back to its source when it exists. */
function sourceOf(root: string, file: string): string | undefined {
  const candidates: string[] = []
  if (/^(dist|build|lib|out)\//.test(file)) {
    const inner = file.replace(/^(dist|build|lib|out)\//, '')
    const bare = inner.replace(/\.[cm]?js$/, '')
    candidates.push(`${bare}.ts`, `${bare.replace(/^src\//, '')}.ts`, `src/${bare.replace(/^src\//, '')}.ts`)
  }
  // The built file only when no source is found: it is what runs, but a build would overwrite an edit.
  candidates.push(file)
  return candidates.map((c) => join(root, c)).find((path) => existsSync(path))
}

/** `node ./bin/www` (express-generator): a script without an extension, run by node. */
const NODE_RUN = /\b(?:node|nodemon)\s+(?:-\S+\s+)*(?:\.\/)?([\w./-]+)/

function findEntry(root: string, pkg: PackageJson): string | undefined {
  const start = pkg.scripts?.start
  const fromStart = start ? (SOURCE_FILE.exec(start)?.[1] ?? NODE_RUN.exec(start)?.[1]) : undefined
  for (const file of [fromStart, pkg.main]) {
    const found = file ? sourceOf(root, file.replace(/^\.\//, '')) : undefined
    if (found) return found
  }
  return COMMON_ENTRIES.map((c) => join(root, c)).find((path) => existsSync(path))
}

function moduleSystemOf(entry: string, pkg: PackageJson): ModuleSystem {
  const ext = extname(entry)
  if (ext === '.mjs' || ext === '.mts') return 'esm'
  if (ext === '.cjs' || ext === '.cts') return 'commonjs'
  return pkg.type === 'module' ? 'esm' : 'commonjs'
}

const declaredRange = (pkg: PackageJson, name: string): string | undefined =>
  pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]

/** Reads package.json and finds the entry file; KIT_CLI_INIT_* errors say what is missing. */
export function readProject(root: string, entryOption?: string): Project {
  const pkg = readPackageJson(root)
  const dependencies = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies ?? {}),
  ])
  const framework: Framework | undefined = dependencies.has('express')
    ? 'express'
    : dependencies.has('fastify')
      ? 'fastify'
      : undefined
  if (!framework) {
    throw new KitError(
      'KIT_CLI_INIT_NO_APP',
      'package.json lists neither express nor fastify. kit init moves an existing Express 5 or Fastify 5 app to kit; install the framework first.',
    )
  }
  const entry = entryOption ? join(root, entryOption) : findEntry(root, pkg)
  if (!entry || !existsSync(entry)) {
    throw new KitError(
      'KIT_CLI_INIT_NO_ENTRY',
      `Could not find the file that starts your app${entryOption ? ` (${entryOption} does not exist)` : ' (package.json main, scripts.start, server.js, app.js, index.js, src/...)'}. Pass it with --entry <file>, relative to ${relative(process.cwd(), root) || '.'}.`,
    )
  }
  const start = pkg.scripts?.start ?? ''
  return {
    root,
    framework,
    moduleSystem: moduleSystemOf(entry, pkg),
    typescript: /\.[cm]?ts$/.test(entry),
    dependencies,
    ...(declaredRange(pkg, framework) ? { frameworkRange: declaredRange(pkg, framework)! } : {}),
    entry,
    runsTypeScriptWithNode: /\bnode\b[^&|;]*--experimental-strip-types/.test(start) && !/\btsx\b/.test(start),
    hasStartScript: start !== '',
  }
}
