import { execFile } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { freePort, type SpawnedProcess, spawnTs, WORKSPACE_ROOT } from '@kit/test-utils'

const exec = promisify(execFile)
const CORE = join(WORKSPACE_ROOT, 'packages/core')
/** What the fixture apps import, linked from @kit/core's own node_modules (its dev dependencies). */
const LINKED = [
  'express',
  'fastify',
  'helmet',
  'cors',
  'express-rate-limit',
  'pino-http',
  'morgan',
  'knex',
  'pg',
  '@fastify/helmet',
  '@fastify/cors',
  '@fastify/rate-limit',
]

export interface FixtureApp {
  dir: string
  /** Every file of the app (node_modules aside) with its text. */
  snapshot(): Record<string, string>
  remove(): void
}

/** A copy of test/fixtures/<name> in a temporary folder, with node_modules linked to the workspace's. */
export function copyFixture(name: string): FixtureApp {
  const dir = mkdtempSync(join(tmpdir(), `kit-${name}-`))
  cpSync(join(CORE, 'test/fixtures', name), dir, { recursive: true })
  for (const pkg of LINKED) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true })
    symlinkSync(join(CORE, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir')
  }
  mkdirSync(join(dir, 'node_modules/@kit'), { recursive: true })
  symlinkSync(CORE, join(dir, 'node_modules/@kit/core'), 'dir')
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules/tsx'), join(dir, 'node_modules/tsx'), 'dir')
  const snapshot = (): Record<string, string> => {
    const files: Record<string, string> = {}
    const visit = (folder: string) => {
      for (const entry of readdirSync(folder)) {
        const path = join(folder, entry)
        if (entry === 'node_modules' || entry === '.kit') continue
        if (statSync(path).isDirectory()) visit(path)
        else files[relative(dir, path)] = readFileSync(path, 'utf8')
      }
    }
    visit(dir)
    return files
  }
  return { dir, snapshot, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface RunningApp {
  url: string
  process: SpawnedProcess
  stop(): Promise<void>
}

/**
 * Starts the app's entry file in its own process, as its start script does
 * (node, through tsx for TypeScript), and waits for the line that says it listens.
 */
export async function startApp(
  dir: string,
  entry: string,
  env: Record<string, string>,
  listening: string | RegExp,
): Promise<RunningApp> {
  const port = await freePort()
  const child = spawnTs(join(dir, entry), [], {
    cwd: dir,
    env: { PORT: String(port), LOG_LEVEL: 'info', ...env },
  })
  const stop = async () => {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM')
    const timer = setTimeout(() => child.child.kill('SIGKILL'), 10_000)
    await child.exited
    clearTimeout(timer)
  }
  try {
    await child.waitFor(listening, 30_000)
  } catch (error) {
    await stop()
    throw error
  }
  return { url: `http://127.0.0.1:${port}`, process: child, stop }
}

/** Added and removed lines between two texts, counted by git (not by kit's own diff). */
export async function gitLineCounts(
  before: string,
  after: string,
): Promise<{ added: number; removed: number }> {
  try {
    await exec('git', ['diff', '--no-index', '--numstat', before, after])
    return { added: 0, removed: 0 }
  } catch (error) {
    // git diff --no-index exits 1 when the files differ; its stdout is the count.
    const [added, removed] = String((error as { stdout?: string }).stdout ?? '').split('\t')
    return { added: Number(added), removed: Number(removed) }
  }
}
