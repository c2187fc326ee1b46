import { hostname } from 'node:os'
import type { Knex } from 'knex'
import { TablePlace } from './table-place.ts'

/** A migration a release started outside a transaction and never finished (it was killed, or lost its connection). */
export interface InterruptedMigration {
  name: string
  /** `up` (being applied) or `down` (being rolled back). */
  direction: 'up' | 'down'
  startedAt: Date | undefined
  /** Which release ran it: host, process id and database session. */
  ranBy: string
}

/**
 * kit's own table `<tableName>_kit` (next to knex's history): one row per
 * migration that is running where a kill would leave it half done. A
 * statement of a killed release goes on running on the server (the next
 * release waits for it: session.ts), but nobody then records it; a
 * migration outside a transaction may be done, half done or not done, and
 * running it again could apply a backfill twice. So the row is written
 * before it starts and removed in the same transaction that records it; a
 * row found by the next release means "interrupted": it refuses and asks a
 * human (`kit migrate resolve`). Transactional migrations need no row on
 * Postgres: a killed one commits nothing, history row included. On MySQL
 * DDL commits on its own, so a transactional migration writes its row
 * inside its transaction: DDL's implicit commit makes the row permanent
 * together with the work before it (runner.ts).
 */
export class Interrupted {
  readonly table: string
  readonly #knex: Knex
  readonly #place: TablePlace

  constructor(knex: Knex, historyTable: string, schemaName?: string) {
    this.#knex = knex
    this.table = `${historyTable}_kit`
    this.#place = new TablePlace(schemaName)
  }

  async ensure(): Promise<void> {
    if (await this.#place.schema(this.#knex).hasTable(this.table)) return
    await this.#place.ensureSchema(this.#knex)
    await this.#place.schema(this.#knex).createTable(this.table, (t) => {
      t.string('name').primary()
      t.string('direction', 4)
      t.timestamp('started_at')
      t.string('ran_by')
    })
  }

  async list(): Promise<InterruptedMigration[]> {
    if (!(await this.#place.schema(this.#knex).hasTable(this.table))) return []
    const rows = (await this.#place
      .table(this.#knex, this.table)
      .select('name', 'direction', 'started_at', 'ran_by')
      .orderBy('name')) as {
      name: string
      direction: string | null
      started_at: Date | string | null
      ran_by: string | null
    }[]
    return rows.map((row) => ({
      name: row.name,
      direction: row.direction === 'down' ? 'down' : 'up',
      startedAt: row.started_at ? new Date(row.started_at) : undefined,
      ranBy: row.ran_by ?? 'unknown',
    }))
  }

  /** Before the migration's first statement. */
  async start(
    db: Knex | Knex.Transaction,
    name: string,
    direction: 'up' | 'down',
    session: string | undefined,
  ): Promise<void> {
    const ranBy = `${hostname()} pid ${process.pid}${session ? `, database session ${session}` : ''}`
    await this.#place.table(db, this.table).where({ name }).del()
    await this.#place
      .table(db, this.table)
      .insert({ name, direction, started_at: new Date(), ran_by: ranBy.slice(0, 255) })
  }

  /** In the transaction that records the migration (or after a failure the server reported). */
  async finish(db: Knex | Knex.Transaction, name: string): Promise<void> {
    await this.#place.table(db, this.table).where({ name }).del()
  }
}

/** True when the error says the connection is gone: then the server may or may not have run the statement. */
export function isConnectionLoss(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; fatal?: unknown }
  const code = typeof e?.code === 'string' ? e.code : ''
  const message = typeof e?.message === 'string' ? e.message : ''
  if (
    ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', '57P01', '57P02', '57P03'].includes(code)
  )
    return true
  if (/^08/.test(code)) return true
  return e?.fatal === true || /Connection terminated|connection.*(closed|lost|ended)/i.test(message)
}
