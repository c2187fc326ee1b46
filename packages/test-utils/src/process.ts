import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const WORKSPACE_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url))

// By absolute URL, so a process started in a scratch folder (cwd) still finds the loader.
const TSX_LOADER = pathToFileURL(join(WORKSPACE_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

export interface SpawnedProcess {
  child: ChildProcess
  /** Everything written to stdout so far. */
  stdout(): string
  stderr(): string
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves once stdout or stderr contains `text` (rejects after timeoutMs). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>
}

/**
 * Runs a TypeScript file of the workspace in its own Node process, resolving
 * @kit/* packages to their sources (no build needed), as tsx would.
 */
export function spawnTs(
  file: string,
  args: string[] = [],
  options: {
    env?: NodeJS.ProcessEnv
    cwd?: string
    /** Extra Node flags, after the TypeScript loader and before the file (e.g. `['--import', '@kit/sentry/instrument']`). */
    execArgv?: string[]
  } = {},
): SpawnedProcess {
  const nodeArgs = [
    '--import',
    TSX_LOADER,
    '--conditions=@kit/source',
    ...(options.execArgv ?? []),
    file,
    ...args,
  ]
  const child = spawn(process.execPath, nodeArgs, {
    cwd: options.cwd ?? WORKSPACE_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const listeners = new Set<() => void>()
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    for (const l of listeners) l()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString()
    for (const l of listeners) l()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal })
      for (const l of listeners) l()
    })
  })
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const matches = () => (typeof text === 'string' ? (out + err).includes(text) : text.test(out + err))
        if (matches()) return resolve()
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`Timed out waiting for ${String(text)}.\nstdout:\n${out}\nstderr:\n${err}`))
        }, timeoutMs)
        const check = () => {
          if (matches()) {
            clearTimeout(timer)
            listeners.delete(check)
            resolve()
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer)
            listeners.delete(check)
            reject(
              new Error(`Process exited before printing ${String(text)}.\nstdout:\n${out}\nstderr:\n${err}`),
            )
          }
        }
        listeners.add(check)
      })
    },
  }
}
