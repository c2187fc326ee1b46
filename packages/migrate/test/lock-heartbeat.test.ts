import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
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
