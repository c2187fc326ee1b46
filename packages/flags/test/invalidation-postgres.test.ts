import { type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFlags, ensureFlagsTable } from '../src/index.ts'
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts'
import { DEFINITIONS } from './helpers/definitions.ts'
import { flagsProject, runKit, seenLine, stop, uniqueChannel, WATCH_FIXTURE } from './helpers/processes.ts'

/**
 * Two processes, as in production: a running instance (the watcher) and
 * `kit flags set` run by an operator. Polling is set to a minute, so only
 * the notification can deliver the change within a second.
 */
describe('invalidation: Postgres LISTEN/NOTIFY', () => {
  let db: TestDatabase
  let watcher: SpawnedProcess | undefined
  const channel = uniqueChannel()
  const project = flagsProject({ channel })

  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'flags-notify')
    await ensureFlagsTable(db.knex())
    watcher = spawnTs(WATCH_FIXTURE, [], {
      env: {
        KIT_TEST_DATABASE_URL: db.url!,
        KIT_TEST_INVALIDATION: 'postgres',
        KIT_TEST_CHANNEL: channel,
        KIT_TEST_POLL_MS: '60000',
      },
    })
    await watcher.waitFor('ready', 20_000)
  })
  afterAll(async () => {
    await stop(watcher)
    await db?.drop()
    project.remove()
  })

  it('shows a `kit flags set` to the running process within 1 s', async () => {
    const run = await runKit(['flags', 'set', 'newCheckout', 'on', '--json', '--actor', 'ops'], project.dir, {
      DATABASE_URL: db.url!,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const change = JSON.parse(run.stdout) as { at: string; actor: string; after: unknown }
    expect(change).toMatchObject({ actor: 'ops', after: { enabled: true } })
    await watcher!.waitFor(/"name":"newCheckout","value":true/, 5000)
    const seen = seenLine(watcher!.stdout(), 'newCheckout', true)!
    expect(seen.at - Date.parse(change.at)).toBeLessThan(1000)
  })

  it('keeps listening: a change made through the API of a third process arrives within 1 s too', async () => {
    const writer = createFlags(DEFINITIONS, { file: false, channel }, { knex: db.knex(), env: {} })
    const change = await writer.set('checkoutCopy', 'c', { actor: 'admin-panel' })
    await watcher!.waitFor(/"name":"checkoutCopy","value":"c"/, 5000)
    expect(seenLine(watcher!.stdout(), 'checkoutCopy', 'c')!.at - change.at.getTime()).toBeLessThan(1000)
    await writer.close()
  })
})
