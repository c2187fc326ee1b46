import type { Knex } from 'knex'
import { TablePlace } from './table-place.ts'

/** A row of knex's history table. */
export interface AppliedMigration {
  id: number
  name: string
  batch: number
  appliedAt: Date | undefined
}

/**
 * knex's own tables (`knex_migrations`, `knex_migrations_lock`) in knex's
 * exact layout, so `knex migrate:*` and kit read the same history.
 */
export class History {
  readonly table: string
  readonly lockTable: string
  readonly #knex: Knex
  readonly #place: TablePlace

  constructor(knex: Knex, table: string, schemaName?: string) {
    this.#knex = knex
    this.table = table
    this.lockTable = `${table}_lock`
    this.#place = new TablePlace(schemaName)
  }

  /** False on a fresh database: `status` reads nothing and writes nothing then. */
  exists(): Promise<boolean> {
    return this.#place.schema(this.#knex).hasTable(this.table)
  }

  async ensure(): Promise<void> {
    const knex = this.#knex
    const place = this.#place
    await place.ensureSchema(knex)
    if (!(await place.schema(knex).hasTable(this.table))) {
      await place.schema(knex).createTable(this.table, (t) => {
        t.increments()
        t.string('name')
        t.integer('batch')
        t.timestamp('migration_time')
      })
    }
    if (!(await place.schema(knex).hasTable(this.lockTable))) {
      await place.schema(knex).createTable(this.lockTable, (t) => {
        t.increments('index').primary()
        t.integer('is_locked')
      })
    }
  }

  async applied(): Promise<AppliedMigration[]> {
    const rows = (await this.#place
      .table(this.#knex, this.table)
      .select('id', 'name', 'batch', 'migration_time')
      .orderBy('id')) as {
      id: number
      name: string
      batch: number
      migration_time: Date | string | null
    }[]
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      batch: Number(row.batch),
      appliedAt: row.migration_time ? new Date(row.migration_time) : undefined,
    }))
  }

  record(db: Knex | Knex.Transaction, name: string, batch: number): Promise<unknown> {
    return this.#place.table(db, this.table).insert({ name, batch, migration_time: new Date() })
  }

  forget(db: Knex | Knex.Transaction, name: string): Promise<unknown> {
    return this.#place.table(db, this.table).where({ name }).del()
  }

  /**
   * Brings knex's lock table to one unlocked row. Called only while we hold
   * the release lock, so a row left at 1 was left by a process that died (or
   * a knex CLI run that crashed) and is safe to clear; duplicate rows come
   * from first-time concurrent knex runs. Returns true when it cleared a lock.
   */
  async clearStaleKnexLock(): Promise<boolean> {
    const lock = () => this.#place.table(this.#knex, this.lockTable)
    const rows = (await lock().select('index', 'is_locked').orderBy('index')) as {
      index: number
      is_locked: number
    }[]
    if (rows.length === 0) {
      await lock().insert({ is_locked: 0 })
      return false
    }
    if (rows.length > 1) await lock().where('index', '>', rows[0]!.index).del()
    const stale = rows.some((row) => Number(row.is_locked) === 1)
    if (stale) await lock().update({ is_locked: 0 })
    return stale
  }

  /** Marks knex's lock while we apply, so a plain `knex migrate:latest` run meanwhile refuses instead of colliding. */
  setKnexLock(locked: boolean): Promise<unknown> {
    return this.#place.table(this.#knex, this.lockTable).update({ is_locked: locked ? 1 : 0 })
  }
}
