import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { BUILTIN_NAMES } from '@kit/env'
import { spawnTs, WORKSPACE_ROOT } from '@kit/test-utils'
import { type Command, runCli } from '../src/cli/index.ts'

export const BIN: string = join(WORKSPACE_ROOT, 'packages/core/src/cli/bin.ts')

/**
 * Every variable kit reads, blanked (empty means unset), so a test sees only
 * the environment it passes and not the machine's.
 */
const BLANK: Record<string, string> = Object.fromEntries(
  [
    ...BUILTIN_NAMES,
    'REDIS_TLS_URL',
    'KIT_PRESET',
    'DYNO',
    'RENDER',
    'FLY_APP_NAME',
    'RAILWAY_ENVIRONMENT',
    'HEROKU_SLUG_COMMIT',
    'SOURCE_VERSION',
    'GIT_SHA',
    'KIT_DEBUG',
  ].map((name) => [name, '']),
)
// Not NO_COLOR too: Node warns on stderr when both are defined.
BLANK.FORCE_COLOR = '0'

export interface KitRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the `kit` bin from sources in its own process, as a user would; bounded to 30 s. */
export async function runKit(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<KitRun> {
  const child = spawnTs(BIN, args, {
    cwd: options.cwd ?? WORKSPACE_ROOT,
    env: { ...BLANK, NODE_ENV: 'test', ...options.env },
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.child.kill('SIGKILL')
      reject(
        new Error(`kit ${args.join(' ')} did not exit within 30 s.\n${child.stdout()}\n${child.stderr()}`),
      )
    }, 30_000)
  })
  try {
    const { code } = await Promise.race([child.exited, timeout])
    return { code, stdout: child.stdout(), stderr: child.stderr() }
  } finally {
    clearTimeout(timer)
  }
}

export interface TempProject {
  dir: string
  write(name: string, text: string): void
  remove(): void
}

/**
 * A throwaway app folder outside the workspace, with only `tsx` linked into
 * node_modules (spawnTs preloads it): kit.config imports of @kit/* must work
 * without the app installing them from the workspace.
 */
export function tempProject(files: Record<string, string> = {}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'kit-cli-'))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules/tsx'), join(dir, 'node_modules/tsx'), 'dir')
  const project: TempProject = {
    dir,
    write(name, text) {
      mkdirSync(dirname(join(dir, name)), { recursive: true })
      writeFileSync(join(dir, name), text)
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
  for (const [name, text] of Object.entries(files)) project.write(name, text)
  return project
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: detects colour escape sequences.
export const ANSI: RegExp = /\u001b\[\d+m/

/**
 * Runs the CLI host in this process with captured streams: for the
 * variations of behaviour that one spawned run per case would make slow.
 */
export async function runInProcess(
  args: string[],
  options: {
    cwd?: string
    env?: Record<string, string>
    isTTY?: boolean
    commands?: readonly Command<any>[]
  } = {},
): Promise<KitRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    args,
    {
      stdout: { write: (text: string) => (stdout += text), isTTY: options.isTTY ?? false },
      stderr: { write: (text: string) => (stderr += text), isTTY: options.isTTY ?? false },
      env: { NODE_ENV: 'test', ...options.env },
      cwd: options.cwd ?? WORKSPACE_ROOT,
    },
    options.commands,
  )
  return { code, stdout, stderr }
}
