import { join, normalize, relative, sep } from 'node:path'
import type { Project } from './project.ts'
import type { ConfigFormat } from './render-config.ts'
import { readTsconfig } from './tsconfig-paths.ts'

export interface ConfigPlace {
  /** Relative to the app's folder. */
  path: string
  format: ConfigFormat
  /** Set when the folder is not one kit searches by itself: init writes it to package.json `kit.config`. */
  packageJsonField?: string
}

/**
 * The folder of a TypeScript app's sources, where its kit.config must live:
 * tsc refuses a file outside `rootDir` (TS6059) and, with `include: ["src"]`,
 * an import of ../kit.config.ts moves every output file one folder down
 * (dist/src/app.js), which breaks `node dist/app.js`.
 */
function sourceFolder(root: string, entry: string): string {
  const entryPath = relative(root, entry)
  const rootDir = readTsconfig(root)?.compilerOptions?.rootDir
  if (typeof rootDir === 'string') {
    const folder = normalize(rootDir).replace(/[\\/]+$/, '')
    if (folder === '.' || folder === '') return ''
    if (!folder.startsWith('..') && entryPath.startsWith(`${folder}${sep}`)) return folder
  }
  return entryPath.startsWith(`src${sep}`) ? 'src' : ''
}

/** Where `kit init` writes kit.config, and in which format (docs/configuration.md, "Where kit.config lives"). */
export function configPlace(root: string, project: Project): ConfigPlace {
  if (project.typescript) {
    const folder = sourceFolder(root, project.entry)
    const path = join(folder, 'kit.config.ts')
    return {
      path,
      format: 'ts',
      ...(folder !== '' && folder !== 'src' ? { packageJsonField: path.split(sep).join('/') } : {}),
    }
  }
  if (project.moduleSystem === 'esm') {
    return { path: project.entry.endsWith('.mjs') ? 'kit.config.mjs' : 'kit.config.js', format: 'esm' }
  }
  return { path: 'kit.config.js', format: 'commonjs' }
}

/**
 * True when the app's tsconfig cannot take a kit.config at the app's root:
 * a `rootDir`, or an `include` that does not list it.
 */
export function tsconfigExcludesRoot(root: string): boolean {
  const tsconfig = readTsconfig(root)
  if (!tsconfig) return false
  if (typeof tsconfig.compilerOptions?.rootDir === 'string') return true
  const include = Array.isArray(tsconfig.include) ? tsconfig.include : undefined
  return include !== undefined && !include.some((entry) => /^(\.\/)?(kit\.config|\*)/.test(String(entry)))
}

/** package.json with `"kit": { "config": field }`, in the file's own indentation. */
export function packageJsonWithConfig(text: string, field: string): string {
  const json = JSON.parse(text) as { kit?: Record<string, unknown> }
  json.kit = { ...(json.kit ?? {}), config: field }
  const indent = /^(\s+)"/m.exec(text)?.[1] ?? '  '
  return `${JSON.stringify(json, null, indent)}${text.endsWith('\n') ? '\n' : ''}`
}
