import knexFactory, { type Knex } from 'knex'
import type { SqlFamily } from '../dialect.ts'
import type { MigrationModule } from '../source.ts'
import { splitStatements } from './sql.ts'

type ClientClass = new (config: Knex.Config) => Knex.Client
const baseClients = new Map<SqlFamily, ClientClass>()

/** knex's own client class for the family, found without a connection (so no driver is loaded). */
function baseClient(family: SqlFamily): ClientClass {
  let base = baseClients.get(family)
  if (!base) {
    const probe = knexFactory({ client: family === 'postgres' ? 'pg' : 'mysql2' })
    base = Object.getPrototypeOf(probe.client).constructor as ClientClass
    baseClients.set(family, base)
  }
  return base
}

/** up() runs against the recorder during the check; one that never settles is reported, not waited for. */
const RECORD_TIMEOUT_MS = 5000

const NOT_DDL = /^(?:begin|commit|rollback|savepoint|release|select|show|with|set|explain)\b/i

/**
 * Runs a migration's up() against a knex that compiles every query but sends
 * none: the SQL knex would run is collected, reads answer with no rows, and
 * nothing touches a database. Checks then read real dialect SQL, whether the
 * migration used the schema builder or raw SQL, without ever taking a lock.
 */
export async function recordStatements(module: MigrationModule, family: SqlFamily): Promise<string[]> {
  const statements: string[] = []
  const Base = baseClient(family) as unknown as new (config: Knex.Config) => any
  class RecordingClient extends Base {
    async acquireConnection() {
      return { __knexUid: 'kit-migrate-recorder' }
    }
    async releaseConnection() {}
    async _query(_connection: unknown, obj: { sql?: string; bindings?: unknown[]; response?: unknown }) {
      const sql = obj.sql ?? ''
      for (const statement of splitStatements(sql)) if (!NOT_DDL.test(statement)) statements.push(statement)
      obj.response =
        family === 'postgres'
          ? { rows: [], rowCount: 0, fields: [], command: 'SELECT' }
          : [fakeRows(sql, obj.bindings), []]
      return obj
    }
  }
  // `knex.userParams.kitCheck` lets a migration skip work that only makes sense on real data.
  const knex = knexFactory({
    client: RecordingClient as unknown as typeof Knex.Client,
    userParams: { kitCheck: true },
  } as Knex.Config)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `up() did not finish within ${RECORD_TIMEOUT_MS} ms without a database (does it wait on something else?)`,
          ),
        ),
      RECORD_TIMEOUT_MS,
    )
  })
  try {
    await Promise.race([module.up(knex), timeout])
  } finally {
    clearTimeout(timer)
    await knex.destroy()
  }
  return statements
}

/** knex's MySQL renameColumn reads the column definition first and needs a row back. */
function fakeRows(sql: string, bindings: unknown[] | undefined): unknown[] {
  if (/^show full fields from/i.test(sql)) {
    return [{ Field: bindings?.[0], Type: 'text', Null: 'YES', Default: null, Collation: null, Extra: '' }]
  }
  return []
}
