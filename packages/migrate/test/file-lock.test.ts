import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { acquireFileLock, clearFileLock } from '../src/lock/file-lock.ts'
import { tempDir } from './helpers.ts'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function lockPath(label: string): string {
  const dir = tempDir(label)
  dirs.push(dir)
  return join(dir, 'nested', 'pgdata.lock')
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}

describe('the release lock file (embedded PGlite)', () => {
  it('is created with our pid, and removed on release', async () => {
    const path = lockPath('basic')
    const lock = await acquireFileLock(path, { waitMs: 1000 })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() })
    await lock.release()
    expect(existsSync(path)).toBe(false)
  })

  it('makes a second holder wait, telling who holds it, and then times out with KIT_MIGRATE_LOCK_TIMEOUT', async () => {
    const path = lockPath('wait')
    const lock = await acquireFileLock(path, { waitMs: 1000 })
    const notices: string[] = []
    const started = Date.now()
    const error = await acquireFileLock(path, {
      waitMs: 400,
      pollMs: 20,
      onWait: ({ holder }) => notices.push(holder),
    }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_LOCK_TIMEOUT')).toBe(true)
    expect((error as Error).message).toContain('kit migrate unlock')
    expect(Date.now() - started).toBeLessThan(5000)
    expect(notices[0]).toContain(`pid ${process.pid}`)
    await lock.release()
  })

  it('is taken by the next waiter as soon as the holder releases it', async () => {
    const path = lockPath('handover')
    const first = await acquireFileLock(path, { waitMs: 1000 })
    const second = acquireFileLock(path, { waitMs: 10_000, pollMs: 20 })
    setTimeout(() => void first.release(), 200)
    const lock = await second
    expect(existsSync(path)).toBe(true)
    await lock.release()
  })

  it('is taken over when its holder died (SIGKILL leaves the file behind)', async () => {
    const path = lockPath('stale')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(
      path,
      JSON.stringify({
        pid: await deadPid(),
        host: hostname(),
        token: 'dead',
        since: new Date().toISOString(),
      }),
    )
    const lock = await acquireFileLock(path, { waitMs: 2000 })
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid)
    await lock.release()
  })

  it('lets exactly one of several waiters take over a dead holder', async () => {
    const path = lockPath('race')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, JSON.stringify({ pid: await deadPid(), host: hostname(), token: 'dead', since: '' }))
    let holders = 0
    let maxHolders = 0
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const lock = await acquireFileLock(path, { waitMs: 10_000, pollMs: 5 })
        holders++
        maxHolders = Math.max(maxHolders, holders)
        await new Promise((r) => setTimeout(r, 20))
        holders--
        await lock.release()
      }),
    )
    expect(maxHolders).toBe(1)
  })

  it('waits for a holder on another host rather than guessing it is dead', async () => {
    const path = lockPath('remote')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'other-host', token: 't', since: '' }))
    const error = await acquireFileLock(path, { waitMs: 200, pollMs: 20 }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_LOCK_TIMEOUT')).toBe(true)
    expect((error as Error).message).toContain('on other-host')
  })

  it('clearFileLock removes a dead holder, refuses a live one unless forced', async () => {
    const path = lockPath('clear')
    expect(await clearFileLock(path, false)).toBe('free')
    const lock = await acquireFileLock(path, { waitMs: 1000 })
    const error = await clearFileLock(path, false).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_LOCKED')).toBe(true)
    expect(await clearFileLock(path, true)).toBe('cleared')
    await lock.release()
    writeFileSync(path, JSON.stringify({ pid: await deadPid(), host: hostname(), token: 'x', since: '' }))
    expect(await clearFileLock(path, false)).toBe('cleared')
  })
})
