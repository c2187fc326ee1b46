import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SpawnedProcess, spawnTs, WORKSPACE_ROOT } from '@kit/test-utils'
import { DEFINITIONS } from './definitions.ts'

export const KIT_BIN: string = join(WORKSPACE_ROOT, 'packages/core/src/cli/bin.ts')
export const WATCH_FIXTURE: string = join(WORKSPACE_ROOT, 'packages/flags/test/fixtures/watch.ts')
export const BUCKETS_FIXTURE: string = join(WORKSPACE_ROOT, 'packages/flags/test/fixtures/buckets.ts')

/** A channel no other test file uses (Redis is shared). */
export function uniqueChannel(): string {
  return `kit_test_flags_${process.pid}_${randomBytes(3).toString('hex')}`
}

/** An app folder with a kit.config.mjs defining the test flags, as `kit flags` reads it. */
export function flagsProject(flagOptions: Record<string, unknown> = {}): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kit-flags-cli-'))
  writeFileSync(
    join(dir, 'kit.config.mjs'),
    `export default ${JSON.stringify({ flags: DEFINITIONS, flagOptions }, null, 2)}\n`,
  )
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface KitRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `kit <args>` from sources in its own process, as users run it; bounded to 30 s. */
export async function runKit(args: string[], cwd: string, env: Record<string, string>): Promise<KitRun> {
  const child = spawnTs(KIT_BIN, args, {
    cwd,
    env: { NODE_ENV: 'test', FORCE_COLOR: '0', DATABASE_URL: '', REDIS_URL: '', FEATURE_FLAGS: '', ...env },
  })
  return bounded(child, 30_000, `kit ${args.join(' ')}`)
}

export async function bounded(child: SpawnedProcess, ms: number, what: string): Promise<KitRun> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.child.kill('SIGKILL')
      reject(new Error(`${what} did not exit within ${ms} ms.\n${child.stdout()}\n${child.stderr()}`))
    }, ms)
  })
  try {
    const { code } = await Promise.race([child.exited, timeout])
    return { code, stdout: child.stdout(), stderr: child.stderr() }
  } finally {
    clearTimeout(timer)
  }
}

/** Stops a spawned process (SIGTERM, then SIGKILL after 5 s). */
export async function stop(child: SpawnedProcess | undefined): Promise<void> {
  if (!child || child.child.exitCode !== null || child.child.signalCode !== null) return
  child.child.kill('SIGTERM')
  const killer = setTimeout(() => child.child.kill('SIGKILL'), 5000)
  await child.exited
  clearTimeout(killer)
}

/** The first JSON line of a watcher's output about `name` having `value`. */
export function seenLine(output: string, name: string, value: unknown): { at: number } | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue
    const parsed = JSON.parse(line) as { at: number; name: string; value: unknown }
    if (parsed.name === name && parsed.value === value) return parsed
  }
  return undefined
}
