import { setTimeout as sleep } from 'node:timers/promises'
import { createPostgresDatabase, memoryLogger, type TestDatabase } from '@kit/test-utils'
import knexFactory from 'knex'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDatabase } from '../src/connections/database.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createPostgresDatabase('knex_log')
})
afterAll(() => db.drop())

it("routes knex's outage warnings (a pooled connection that died) through the app's logger", async () => {
  const log = memoryLogger()
  const { lines } = log
  const { knex } = createDatabase({ DATABASE_URL: db.url, DATABASE_POOL_MAX: 1 }, {}, { log })
  const admin = knexFactory({ client: 'pg', connection: db.url })
  try {
    const pid = (await knex.raw('select pg_backend_pid() as pid')).rows[0].pid as number
    // An outage as the pool sees it: the server ends the idle pooled connection.
    await admin.raw('select pg_terminate_backend(?)', [pid])
    // knex notices when it next hands that connection out, and warns "Connection Error: ...".
    const deadline = Date.now() + 30_000
    while (!lines.some((l) => String(l.message).includes('Connection Error')) && Date.now() < deadline) {
      await knex.raw('select 1').catch(() => {})
      await sleep(50)
    }
    const warning = lines.find((l) => String(l.message).includes('Connection Error'))
    // Through the logger, never stdout; at debug, since readiness and the 503s already report the outage.
    expect(warning, JSON.stringify(lines)).toMatchObject({ level: 'debug', fields: { source: 'knex' } })
  } finally {
    await knex.destroy()
    await admin.destroy()
  }
}, 60_000)
