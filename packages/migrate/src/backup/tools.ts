import { spawn } from 'node:child_process'
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { KitError, redactString } from '@kit/internal'
import { debug } from '../debug.ts'

const APT_PACKAGE: Record<string, string> = {
  pg_dump: 'postgresql-client',
  pg_restore: 'postgresql-client',
  mysqldump: 'mariadb-client (or default-mysql-client)',
  'mariadb-dump': 'mariadb-client',
  mysql: 'mariadb-client (or default-mysql-client)',
  mariadb: 'mariadb-client',
}

/** The first of `names` found in `binDir` (when given) or on PATH. */
export async function findTool(names: readonly string[], binDir: string | undefined): Promise<string> {
  const dirs = binDir ? [binDir] : (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name)
      try {
        await access(path, constants.X_OK)
        return path
      } catch {}
    }
  }
  const where = binDir ? `in ${binDir}` : 'on PATH'
  throw new KitError(
    'KIT_MIGRATE_BACKUP_TOOL_MISSING',
    `${names.join(' or ')} was not found ${where}. Install it (Debian/Ubuntu: \`apt-get install ${APT_PACKAGE[names[0]!] ?? names[0]}\`), or set the backup option \`binDir\` to the folder that has it.`,
  )
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  stdin?: Readable
  stdout?: Writable
  timeoutMs: number
}

/** Runs a client tool; resolves with its stdout text (when not piped), throws KIT_MIGRATE_BACKUP_FAILED with its stderr. */
export function runTool(path: string, args: string[], options: RunOptions): Promise<string> {
  debug('run %s %s', path, args.join(' '))
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      env: { ...process.env, ...options.env },
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 64_000) stderr += chunk.toString()
    })
    if (options.stdout) child.stdout!.pipe(options.stdout)
    else child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    if (options.stdin && child.stdin) {
      options.stdin.once('error', (error) => {
        child.kill('SIGKILL')
        reject(
          new KitError('KIT_MIGRATE_BACKUP_FAILED', `Could not read the backup: ${error.message}.`, {
            cause: error,
          }),
        )
      })
      options.stdin.pipe(child.stdin)
      child.stdin.on('error', () => {}) // the tool may exit early; its stderr says why
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(
        new KitError('KIT_MIGRATE_BACKUP_FAILED', `Could not start ${path}: ${error.message}.`, {
          cause: error,
        }),
      )
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) return resolve(stdout)
      const why =
        signal === 'SIGKILL'
          ? `was stopped after ${options.timeoutMs} ms (timeoutMs)`
          : `exited with code ${code}`
      const tail = redactString(stderr.trim()).split('\n').slice(-8).join('\n')
      reject(
        new KitError(
          'KIT_MIGRATE_BACKUP_FAILED',
          `${path} ${why}${tail ? `:\n${tail}` : '.'}${/version mismatch/i.test(stderr) ? '\nInstall a client at least as new as the server (e.g. postgresql-client-<server major>) and set `binDir` to its bin folder.' : ''}`,
        ),
      )
    })
  })
}

/** `pg_dump --version` and friends, for the manifest. */
export async function toolVersion(path: string): Promise<string> {
  try {
    return (await runTool(path, ['--version'], { timeoutMs: 10_000 })).trim()
  } catch {
    return path
  }
}
