import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Framework } from './project.ts'

/** The framework major kit runs on (package.json peerDependencies of @kit/core). */
const SUPPORTED_MAJOR = 5

/** The major version the app runs: the installed package's, else the range package.json asks for. */
function installedMajor(
  root: string,
  framework: Framework,
  declared: string | undefined,
): number | undefined {
  const installed = join(root, 'node_modules', framework, 'package.json')
  let version = declared
  try {
    if (existsSync(installed))
      version = (JSON.parse(readFileSync(installed, 'utf8')) as { version?: string }).version
  } catch {
    // An unreadable install says nothing: package.json's range stands.
  }
  const major = /(\d+)/.exec(version ?? '')?.[1]
  return major === undefined ? undefined : Number(major)
}

/**
 * The step to do first when the app runs an older framework: productionize()
 * needs Express 5 / Fastify 5 (Express 4's `app.router` getter throws).
 */
export function frameworkUpgradeStep(
  root: string,
  framework: Framework,
  declared: string | undefined,
): string | undefined {
  const major = installedMajor(root, framework, declared)
  if (major === undefined || major >= SUPPORTED_MAJOR) return undefined
  const name = framework === 'express' ? 'Express' : 'Fastify'
  const guide =
    framework === 'express'
      ? 'https://expressjs.com/en/guide/migrating-5.html (wildcards are named, `*` → `/*splat`; `req.param()` and `res.send(status)` are gone)'
      : 'https://fastify.dev/docs/latest/Guides/Migration-Guide-V5/ (and the @fastify/* plugins of its generation)'
  return `kit runs on ${name} ${SUPPORTED_MAJOR}; this app has ${framework} ${major}. Upgrade first (\`npm install ${framework}@${SUPPORTED_MAJOR}\`, guide: ${guide}), then start the app: productionize() needs ${name} ${SUPPORTED_MAJOR}.`
}
