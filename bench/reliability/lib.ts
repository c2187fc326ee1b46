/**
 * What the reliability runs share: starting the app under test
 * (reliability/app.ts, a productionize() app) in its own process, a load
 * generator that times every request and never waits past a hard timeout,
 * and the one-line verdict every run prints.
 */
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { type SpawnedProcess, spawnTs } from '@kit/test-utils'

const APP = fileURLToPath(new URL('./app.ts', import.meta.url))

export interface App {
  process: SpawnedProcess
  port: number
  alive(): boolean
}

/** Starts reliability/app.ts for `framework` with `env` on top of a production env; resolves once it listens. */
export async function startApp(framework: 'express' | 'fastify', env: NodeJS.ProcessEnv = {}): Promise<App> {
  const child = spawnTs(APP, [framework], {
    env: {
      NODE_ENV: 'production',
      FORCE_HTTPS: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      LOG_LEVEL: 'warn',
      ...env,
    },
  })
  await child.waitFor(/listening \d+/, 60_000)
  const port = Number(/listening (\d+)/.exec(child.stdout())?.[1])
  return {
    process: child,
    port,
    alive: () => child.child.exitCode === null && child.child.signalCode === null,
  }
}

export interface Outcome {
  path: string
  startedAt: number
  /** When the request was fully written (undefined: never). */
  flushedAt: number | undefined
  endedAt: number
  status: number | undefined
  error: string | undefined
}

export function send(
  port: number,
  path: string,
  options: {
    agent?: Agent
    timeoutMs?: number
    method?: string
    headers?: Record<string, string>
    body?: string
  } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const startedAt = Date.now()
    let flushedAt: number | undefined
    let settled = false
    const done = (status: number | undefined, error: string | undefined) => {
      if (settled) return
      settled = true
      resolve({ path, startedAt, flushedAt, endedAt: Date.now(), status, error })
    }
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        res.resume()
        res.on('end', () => done(res.statusCode, undefined))
        res.on('error', (e) => done(res.statusCode, e.message))
      },
    )
    req.on('finish', () => {
      flushedAt = Date.now()
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (e) => done(undefined, (e as NodeJS.ErrnoException).code ?? e.message))
    req.end(options.body)
  })
}

export interface Load {
  outcomes: Outcome[]
  /** Stops the loops and resolves once every request in flight has settled. */
  stop(): Promise<void>
}

/** `connections` keep-alive loops sending GET `path` back to back (`stopOnFailure`: a loop ends at its first failure). */
export function sustain(
  port: number,
  path: string,
  options: { connections: number; timeoutMs?: number; stopOnFailure?: boolean },
): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const outcomes: Outcome[] = []
  let running = true
  const loops = Array.from({ length: options.connections }, async () => {
    while (running) {
      const outcome = await send(port, path, { agent, timeoutMs: options.timeoutMs ?? 10_000 })
      outcomes.push(outcome)
      if (options.stopOnFailure && (outcome.status !== 200 || outcome.error)) return
      // A refused connection fails in microseconds: do not spin on it.
      if (outcome.error) await sleep(20)
    }
  })
  return {
    outcomes,
    async stop() {
      running = false
      await Promise.all(loops)
      agent.destroy()
    },
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Counts of outcomes by status (or error code). */
export function tally(outcomes: readonly Outcome[]): string {
  const counts = new Map<string, number>()
  for (const o of outcomes) {
    const key = o.error ? o.error : String(o.status)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return (
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}×${n}`)
      .join(' ') || 'none'
  )
}

/** The one line each run prints, read by reliability/run.ts. */
export function verdict(name: string, pass: boolean, figures: string): void {
  console.log(`verdict ${name}: ${pass ? 'PASS' : 'FAIL'} — ${figures}`)
}

/** Bounds a whole run: past `ms`, print a FAIL verdict and exit. */
export function deadline(name: string, ms: number): void {
  setTimeout(() => {
    verdict(name, false, `did not finish within ${ms / 1000} s`)
    process.exit(1)
  }, ms).unref()
}
