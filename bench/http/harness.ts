/**
 * Process plumbing shared by the HTTP runner, the profiler and the start-up
 * run: start a variant in its own Node process, read its CPU time over IPC,
 * drive it with autocannon, and build the packages when running from dist.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { SCENARIOS, type ScenarioName } from './shared.ts'

export const BENCH_DIR: string = fileURLToPath(new URL('..', import.meta.url))
export const ROOT_DIR: string = join(BENCH_DIR, '..')
const SERVER_FILE = fileURLToPath(new URL('./server.ts', import.meta.url))

export interface ServerOptions {
  /** Resolve @kit/* to their built dist/ instead of src/ (through the @kit/source condition). */
  dist?: boolean
  env?: NodeJS.ProcessEnv
  /** Node flags after the TypeScript loader (e.g. --import @kit/sentry/instrument, --cpu-prof). */
  execArgv?: string[]
  /** A program that runs node (e.g. `valgrind --tool=callgrind ...`): its argv, node's path is appended. */
  wrapper?: string[]
  /** How long start-up may take. @default 60_000 */
  startTimeoutMs?: number
  /** Another checkout's bench/ to run the server from (an A/B of two trees in one run). @default this bench/ */
  benchDir?: string
}

export interface RunningServer {
  name: string
  port: number
  child: ChildProcess
  /** Server CPU time so far (user + system, µs) and its RSS (bytes). */
  stats(): Promise<{ cpuMicros: number; rss: number }>
  /** Sends an IPC message and resolves with the answer (server.ts protocol). */
  ask(message: unknown): Promise<unknown>
  /** Asks for a clean exit (profiles get written), SIGKILL after 10 s. */
  stop(): Promise<void>
}

/** Node flags that run a TypeScript file of the bench, with @kit/* from sources or dist. */
export function nodeFlags(options: { dist?: boolean } = {}): string[] {
  return ['--import', 'tsx', ...(options.dist ? [] : ['--conditions=@kit/source'])]
}

export function startServer(name: string, options: ServerOptions = {}): Promise<RunningServer> {
  const [wrapper, ...wrapperArgs] = options.wrapper ?? []
  const nodeArgv = [...nodeFlags(options), ...(options.execArgv ?? [])]
  const startTimeout = options.startTimeoutMs ?? 60_000
  const child = fork(options.benchDir ? join(options.benchDir, 'http', 'server.ts') : SERVER_FILE, [name], {
    cwd: options.benchDir ?? BENCH_DIR,
    ...(wrapper
      ? { execPath: wrapper, execArgv: [...wrapperArgs, process.execPath, ...nodeArgv] }
      : { execArgv: nodeArgv }),
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${name} did not start in ${startTimeout / 1000} s`))
    }, startTimeout)
    const onExit = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code} before listening`))
    }
    child.once('exit', onExit)
    child.once('message', (m: { port: number }) => {
      clearTimeout(timer)
      child.off('exit', onExit)
      resolve({
        name,
        port: m.port,
        child,
        stats: async () => {
          const s = (await ask(child, name, 'cpu')) as { cpu: NodeJS.CpuUsage; rss: number }
          return { cpuMicros: s.cpu.user + s.cpu.system, rss: s.rss }
        },
        ask: (message) => ask(child, name, message),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done()
            const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
            child.once('exit', () => {
              clearTimeout(t)
              done()
            })
            child.send('exit')
          }),
      })
    })
  })
}

function ask(child: ChildProcess, name: string, message: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not answer ${JSON.stringify(message)}`)),
      30_000,
    )
    child.once('message', (answer) => {
      clearTimeout(timer)
      resolve(answer)
    })
    child.send(message as string)
  })
}

export interface LoadResult {
  requests: number
  rps: number
  p99: number
  non2xx: number
  errors: number
}

/** autocannon against one scenario: for a duration, or a fixed number of requests (`amount`). */
export function fire(
  port: number,
  scenario: ScenarioName,
  options: { connections: number; duration?: number; amount?: number; timeout?: number },
): Promise<autocannon.Result> {
  const { method, path, headers, ...rest } = SCENARIOS[scenario]
  return autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method,
    headers,
    ...('body' in rest ? { body: rest.body } : {}),
    ...options,
  })
}

/** autocannon against one scenario; fixed connections and duration. */
export async function load(
  port: number,
  scenario: ScenarioName,
  options: { duration: number; connections: number },
): Promise<LoadResult> {
  const result = await fire(port, scenario, options)
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Builds the packages a dist run imports (tsc -b, incremental, then
 * scripts/bundle.mjs). Type errors
 * in packages still being written do not stop the emit; a missing entry
 * point does.
 */
export function ensureBuilt(packages: readonly string[]): void {
  const tsc = createRequire(join(ROOT_DIR, 'package.json')).resolve('typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-b', ...packages.map((p) => `packages/${p}`)], {
      cwd: ROOT_DIR,
      stdio: 'pipe',
    })
  } catch (error) {
    const out = String((error as { stdout?: Buffer }).stdout ?? '')
    process.stderr.write(
      `tsc -b reported type errors (the emit went on):\n${out.split('\n').slice(0, 5).join('\n')}\n`,
    )
  }
  // tsc -b writes the .d.ts files; the JavaScript is esbuild's bundle (docs/internals/module-loading.md).
  execFileSync(process.execPath, [join(ROOT_DIR, 'scripts/bundle.mjs'), ...packages], {
    cwd: ROOT_DIR,
    stdio: 'pipe',
  })
  for (const p of packages) {
    if (!existsSync(join(ROOT_DIR, 'packages', p, 'dist', 'index.js')))
      throw new Error(`packages/${p}/dist/index.js is missing after the build`)
  }
}
