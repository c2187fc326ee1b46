import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { type ReleaseEvent, release } from '../src/index.ts'
import { postgresLockKey, RELEASE_APPLICATION_NAME } from '../src/lock/advisory-lock.ts'
import { parseMigrateOptions } from '../src/options.ts'
import { openSession } from '../src/session.ts'
import { StepTimer } from '../src/steps.ts'
import { createTarget, rows, type TestTarget, writeProject } from './helpers.ts'

const targets: TestTarget[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
})

describe.each(['postgres', 'mariadb'] as const)('the release lock session on %s', (dialect) => {
  it('is the session migrations run on, is tagged, and its heartbeat notices when it dies', async () => {
    const target = await createTarget(dialect, 'heartbeat')
    targets.push(target)
    const project = writeProject('heartbeat', {})
    const config = parseMigrateOptions({ knex: target.knex, directory: project.directory })
    const session = await openSession(config, new StepTimer(() => {}), { advisory: true })
    const other = target.knex()
    try {
      const id = session.lock?.session
      expect(id).toMatch(/^\d+$/)
      // Migrations run on the lock's own session: a killed release's statement keeps the lock held.
      const self = dialect === 'postgres' ? 'select pg_backend_pid() as id' : 'select connection_id() as id'
      expect(String((await rows<{ id: number }>(session.runner!.knex, self))[0]?.id)).toBe(id)
      if (dialect === 'postgres') {
        const tagged = await rows<{ application_name: string }>(
          other,
          'select application_name from pg_stat_activity where pid = ?',
          [Number(id)],
        )
        expect(tagged[0]?.application_name).toMatch(/^kit release \d+ pid \d+$/)
      }
      await session.lock!.heartbeat!()

      await other.raw(
        dialect === 'postgres' ? 'select pg_terminate_backend(?)' : `kill ${Number(id)}`,
        dialect === 'postgres' ? [Number(id)] : [],
      )
      const error = await session.lock!.heartbeat!().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isKitError(error, 'KIT_MIGRATE_LOCK_LOST'), String(error)).toBe(true)
    } finally {
      await session.close()
      await other.destroy()
    }
  }, 60_000)
})

describe('an earlier release still running on Postgres', () => {
  it('is waited for (with progress), then refused with its pid, statement and how to cancel it', async () => {
    const target = await createTarget('postgres', 'earlier')
    targets.push(target)
    const project = writeProject('earlier', {})
    // A backend tagged the way a release tags its session, still running a statement: what a killed
    // release whose migrations ran outside its lock session (an external connection pool) leaves.
    const orphan = target.knex()
    const watcher = target.knex()
    const tag = `${RELEASE_APPLICATION_NAME} ${postgresLockKey('knex_migrations').slice(0, 8)} pid 999999`
    const conn = await orphan.client.acquireConnection()
    try {
      await orphan.raw("select set_config('application_name', ?, false)", [tag]).connection(conn)
      const running = orphan
        .raw('select pg_sleep(60)')
        .connection(conn)
        .catch(() => {})
      const deadline = Date.now() + 30_000
      const active = "select pid from pg_stat_activity where application_name = ? and state = 'active'"
      let pid: number | undefined
      while (pid === undefined && Date.now() < deadline) {
        pid = (await rows<{ pid: number }>(watcher, active, [tag]))[0]?.pid
        if (pid === undefined) await new Promise((r) => setTimeout(r, 50))
      }
      expect(pid).toBeDefined()

      const events: ReleaseEvent[] = []
      const error = await release({
        knex: target.knex,
        directory: project.directory,
        waitForLockMs: 1500,
        reporter: (e) => events.push(e),
      }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isKitError(error, 'KIT_MIGRATE_EARLIER_RELEASE_RUNNING'), String(error)).toBe(true)
      expect((error as Error).message).toContain(`backend pid ${pid}`)
      expect((error as Error).message).toContain('pg_sleep(60)')
      expect((error as Error).message).toContain('pg_cancel_backend')
      expect(events.find((e) => e.type === 'waiting')).toMatchObject({
        holder: expect.stringContaining('an earlier release still runs'),
      })

      // Once it is cancelled, the next release goes through.
      await watcher.raw('select pg_cancel_backend(?)', [pid!])
      await running
      const summary = await release({ knex: target.knex, directory: project.directory })
      expect(summary.applied).toEqual([])
    } finally {
      await orphan.client.releaseConnection(conn)
      await orphan.destroy()
      await watcher.destroy()
    }
  }, 60_000)
})
