import { fileURLToPath } from 'node:url'
import { type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { RELEASE_ENV_NAMES } from '../../src/release.ts'

/** packages/sentry: the fixtures run from here so `@kit/sentry/instrument` resolves through the package's own exports. */
export const PACKAGE_DIR: string = fileURLToPath(new URL('../../', import.meta.url))

export type Framework = 'express' | 'fastify'

export const PRELOAD: string[] = ['--import', '@kit/sentry/instrument']

export interface FixtureOptions {
  env?: NodeJS.ProcessEnv
  /** Node flags after the TypeScript loader. @default PRELOAD */
  execArgv?: string[]
}

/**
 * Env for a fixture process: every Sentry and release variable of the
 * runner (a CI's GITHUB_SHA...) blanked, so only what the test sets counts;
 * the envelope server is reached directly, never through a proxy.
 */
export function fixtureEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const blank = Object.fromEntries(
    [
      ...RELEASE_ENV_NAMES,
      'SENTRY_DSN',
      'SENTRY_ENVIRONMENT',
      'SENTRY_TRACES_SAMPLE_RATE',
      'SENTRY_DEBUG',
    ].map((name) => [name, '']),
  )
  return { ...blank, no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1', ...env }
}

/** Starts test/fixtures/<framework>-app.ts without waiting for it (for processes expected to fail). */
export function spawnFixture(framework: Framework, options: FixtureOptions = {}): SpawnedProcess {
  return spawnTs(fileURLToPath(new URL(`../fixtures/${framework}-app.ts`, import.meta.url)), [], {
    cwd: PACKAGE_DIR,
    env: fixtureEnv(options.env),
    execArgv: options.execArgv ?? PRELOAD,
  })
}

export interface RunningFixture {
  url: string
  proc: SpawnedProcess
  /** Asks the app to flush Sentry's queue (so what was captured has arrived). */
  flush(): Promise<void>
  /** SIGKILLs the process if it is still running. */
  stop(): Promise<void>
}

export async function startFixture(
  framework: Framework,
  options: FixtureOptions = {},
): Promise<RunningFixture> {
  const proc = spawnFixture(framework, options)
  try {
    await proc.waitFor(/listening \d+/, 45_000)
  } catch (error) {
    proc.child.kill('SIGKILL')
    throw error
  }
  const url = `http://127.0.0.1:${/listening (\d+)/.exec(proc.stdout())?.[1]}`
  return {
    url,
    proc,
    async flush() {
      const res = await fetch(`${url}/flush`, { method: 'POST', signal: AbortSignal.timeout(10_000) })
      const body = (await res.json()) as { flushed: boolean }
      if (!body.flushed) throw new Error('Sentry did not flush within 5 s')
    },
    async stop() {
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL')
      await proc.exited
    },
  }
}

/** Resolves with the exit of `proc`, or rejects when it takes longer than timeoutMs. */
export function exitWithin(
  proc: SpawnedProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return Promise.race([
    proc.exited,
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`process still running after ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ])
}
