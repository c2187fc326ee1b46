import { randomUUID } from 'node:crypto'
import { type FileHandle, open, readFile, stat, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ensureDirectoryAsync, KitError } from '@kit/internal'
import type { LockWaitOptions, ReleaseLock } from './types.ts'

interface Holder {
  pid: number
  host: string
  token: string
  since: string
}

/** A lock file older than this with unreadable content was left half-written by a killed process. */
const GARBAGE_AFTER_MS = 10_000
const BREAK_MUTEX_STALE_MS = 5_000

/** Tokens of the locks this process holds right now. */
const heldHere = new Set<string>()

/**
 * A lock between processes on one machine, for the embedded PGlite (whose
 * advisory locks only cover its own process). The file holds the owner's pid:
 * a process killed with SIGKILL leaves the file behind, and the next process
 * sees that pid is gone and takes over, so a crash never blocks a deploy.
 */
export async function acquireFileLock(path: string, options: LockWaitOptions): Promise<ReleaseLock> {
  await ensureDirectoryAsync(dirname(path))
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    since: new Date().toISOString(),
  }
  const started = Date.now()
  let lastNotice = -Infinity
  for (;;) {
    heldHere.add(me.token)
    if (await tryCreate(path, me)) break
    heldHere.delete(me.token)
    const holder = await readHolder(path)
    if (holder === 'gone') continue
    if (await isStale(path, holder)) {
      await breakStale(path, holder)
      continue
    }
    const waited = Date.now() - started
    if (waited >= options.waitMs) {
      throw new KitError(
        'KIT_MIGRATE_LOCK_TIMEOUT',
        `Another release still holds ${path} (${describeHolder(holder)}) after waiting ${Math.round(waited / 1000)} s (waitForLockMs=${options.waitMs}). If no release is running, clear it with \`kit migrate unlock\`.`,
      )
    }
    if (waited - lastNotice >= (options.noticeEveryMs ?? 10_000)) {
      lastNotice = waited
      options.onWait?.({ waitedMs: waited, holder: describeHolder(holder) })
    }
    await sleep(options.pollMs ?? 100)
  }
  return {
    holder: `pid ${me.pid}`,
    async release() {
      // Still marked as held until the file is gone, so no waiter here takes it for a dead pid's.
      const current = await readHolder(path)
      if (typeof current === 'object' && current.token === me.token) await unlink(path).catch(() => {})
      heldHere.delete(me.token)
    },
  }
}

async function tryCreate(path: string, me: Holder): Promise<boolean> {
  try {
    const handle = await open(path, 'wx')
    try {
      await handle.writeFile(JSON.stringify(me))
    } finally {
      await handle.close()
    }
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

async function readHolder(path: string): Promise<Holder | 'gone' | 'garbage'> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Holder
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? parsed : 'garbage'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'garbage'
  }
}

/** True when the holder is certainly dead: same machine and its pid is gone (or it is our own pid, reused). */
export async function isStale(path: string, holder: Holder | 'garbage'): Promise<boolean> {
  if (holder === 'garbage') {
    const info = await stat(path).catch(() => undefined)
    return info !== undefined && Date.now() - info.mtimeMs > GARBAGE_AFTER_MS
  }
  if (holder.host !== hostname()) return false
  // Our own pid: alive if this process holds it, else a previous process that had our pid (containers reuse pids).
  if (holder.pid === process.pid) return !heldHere.has(holder.token)
  try {
    process.kill(holder.pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/**
 * Removes a dead holder's file. Several waiters may see it dead at once, so
 * breaking goes through a short-lived `<path>.break` mutex and re-reads the
 * lock under it: nobody deletes a live lock created after their check.
 */
async function breakStale(path: string, seen: Holder | 'garbage'): Promise<void> {
  const mutex = `${path}.break`
  let handle: FileHandle
  try {
    handle = await open(mutex, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Held for milliseconds; an old one was left by a process killed while breaking.
    const info = await stat(mutex).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > BREAK_MUTEX_STALE_MS) await unlink(mutex).catch(() => {})
    return
  }
  try {
    const now = await readHolder(path)
    const same = seen === 'garbage' ? now === 'garbage' : typeof now === 'object' && now.token === seen.token
    if (same) await unlink(path).catch(() => {})
  } finally {
    await handle.close()
    await unlink(mutex).catch(() => {})
  }
}

export function describeHolder(holder: Holder | 'garbage'): string {
  return holder === 'garbage'
    ? 'a lock file being written'
    : `pid ${holder.pid} on ${holder.host} since ${holder.since}`
}

/** For `kit migrate unlock`: removes the lock file when its holder is dead (or always, when forced). */
export async function clearFileLock(path: string, force: boolean): Promise<'cleared' | 'free'> {
  const holder = await readHolder(path)
  if (holder === 'gone') return 'free'
  if (!force && !(await isStale(path, holder))) {
    throw new KitError(
      'KIT_MIGRATE_LOCKED',
      `The release lock ${path} is held by a live process (${describeHolder(holder)}). Let it finish, or stop it and run \`kit migrate unlock --force\`.`,
    )
  }
  await unlink(path).catch(() => {})
  return 'cleared'
}
