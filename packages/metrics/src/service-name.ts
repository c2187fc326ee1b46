import { readFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import type { MetricsEnv } from './options.ts'

/** Variables in which platforms name the deployed app, in the order they are read. */
export const PLATFORM_APP_NAMES = [
  'HEROKU_APP_NAME',
  'FLY_APP_NAME',
  'RENDER_SERVICE_NAME',
  'RAILWAY_SERVICE_NAME',
  'K_SERVICE',
] as const

export interface ServiceNameSources {
  /** The script Node was started with (`process.argv[1]`). */
  entry: string | undefined
  /** Where the app runs (`process.cwd()`, or productionize's cwd). */
  cwd: string
}

/**
 * The `service` label and the name alert notices carry: the platform's name
 * for the deployed app, else the `name` in the app's package.json (nearest to
 * the entry script, else to the working directory), else `npm_package_name`,
 * else "app". The package.json is read because `npm_package_name` is set only
 * when npm or pnpm runs a script, never under a plain `node app.js` (a
 * Procfile, a Dockerfile CMD): see docs/internals/service-name.md.
 */
export function serviceName(env: MetricsEnv, sources: ServiceNameSources): string {
  for (const name of PLATFORM_APP_NAMES) {
    const value = env[name]?.trim()
    if (value) return value
  }
  return packageName(sources) ?? (env.npm_package_name?.trim() || 'app')
}

/** The name in the package.json nearest to the entry script (unless it is a dependency's), else to cwd. */
export function packageName({ entry, cwd }: ServiceNameSources): string | undefined {
  const starts: string[] = []
  // A tool's own script (node_modules/vitest/..., node_modules/.bin/...) says nothing about the app.
  if (entry && !resolve(entry).split(sep).includes('node_modules')) starts.push(dirname(resolve(entry)))
  starts.push(resolve(cwd))
  for (const start of starts) {
    const name = nearestName(start)
    if (name) return name
  }
  return undefined
}

/** Walks up from `dir` to the first package.json with a name (a nameless one, such as dist/package.json with only "type", is passed over). */
function nearestName(dir: string): string | undefined {
  for (let current = dir; ; ) {
    const name = readName(join(current, 'package.json'))
    if (name) return name
    const parent = dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

function readName(file: string): string | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const name = (JSON.parse(text) as { name?: unknown } | null)?.name
    return typeof name === 'string' && name.trim() ? name.trim() : undefined
  } catch {
    // A broken package.json is npm's problem to report; the label falls back.
    return undefined
  }
}
