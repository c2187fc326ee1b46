import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Procfile {
  /** Process type → command (`web`, `release`, `worker`...). */
  processes: Map<string, string>
}

/** The app's Procfile, or undefined when it has none (other platforms: app.json, a Dockerfile...). */
export function readProcfile(appRoot: string): Procfile | undefined {
  let text: string
  try {
    text = readFileSync(join(appRoot, 'Procfile'), 'utf8')
  } catch {
    return undefined
  }
  const processes = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line.trim())
    if (match) processes.set(match[1]!, match[2]!.trim())
  }
  return { processes }
}

/** package.json scripts, or {} when there is no readable package.json. */
export function readScripts(appRoot: string): Record<string, string> {
  try {
    const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>
    }
    return pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {}
  } catch {
    return {}
  }
}

/** .env files git tracks in the app's folder: their secrets are in every clone. Empty outside a repository. */
export function trackedEnvFiles(appRoot: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '--', '.env', '.env.*', '*/.env', '*/.env.*'], {
      cwd: appRoot,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    })
    return out
      .toString()
      .split('\n')
      .filter((file) => file && !/\.(example|sample|template|dist)$/.test(file))
  } catch {
    return []
  }
}

/** Process counts the environment reveals: more than one means memory state is not shared. */
export function instanceSignals(env: Readonly<Record<string, string | undefined>>): string[] {
  const signals: string[] = []
  const concurrency = Number(env.WEB_CONCURRENCY)
  if (Number.isInteger(concurrency) && concurrency > 1) signals.push(`WEB_CONCURRENCY=${concurrency}`)
  if (env.DYNO) signals.push(`DYNO=${env.DYNO} (Heroku runs each dyno as its own instance and scales them)`)
  for (const name of ['REPLICAS', 'INSTANCE_COUNT', 'KIT_INSTANCES']) {
    const count = Number(env[name])
    if (Number.isInteger(count) && count > 1) signals.push(`${name}=${count}`)
  }
  return signals
}
