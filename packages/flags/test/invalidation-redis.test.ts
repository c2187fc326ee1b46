import { createRedisPrefix, type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureFlagsTable } from '../src/index.ts'
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts'
import { flagsProject, runKit, seenLine, stop, uniqueChannel, WATCH_FIXTURE } from './helpers/processes.ts'

/**
 * MariaDB has no LISTEN/NOTIFY: with REDIS_URL, `kit flags set` publishes
 * the change and running instances subscribed to the channel re-read it.
 * Polling is set to a minute, so only pub/sub can deliver within a second.
 */
describe('invalidation: Redis pub/sub (on MariaDB)', () => {
  let db: TestDatabase
  let watcher: SpawnedProcess | undefined
  let redisUrl: string
  const channel = uniqueChannel()
  const project = flagsProject({ channel })

  beforeAll(async () => {
    redisUrl = (await createRedisPrefix('flags')).url
    db = await createTestDatabase('mariadb', 'flags-pubsub')
    await ensureFlagsTable(db.knex())
    watcher = spawnTs(WATCH_FIXTURE, [], {
      env: {
        KIT_TEST_DATABASE_URL: db.url!,
        KIT_TEST_REDIS_URL: redisUrl,
        KIT_TEST_INVALIDATION: 'redis',
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
    const run = await runKit(['flags', 'set', 'maxItems', '42', '--json'], project.dir, {
      DATABASE_URL: db.url!,
      REDIS_URL: redisUrl,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const change = JSON.parse(run.stdout) as { at: string; version: number }
    await watcher!.waitFor(/"name":"maxItems","value":42/, 5000)
    expect(seenLine(watcher!.stdout(), 'maxItems', 42)!.at - Date.parse(change.at)).toBeLessThan(1000)
  })
})
