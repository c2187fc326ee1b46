import type { Knex } from 'knex'

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

  constructor(knex: Knex, table: string) {
    this.#knex = knex
    this.table = table
    this.lockTable = `${table}_lock`
  }

  /** False on a fresh database: `status` reads nothing and writes nothing then. */
  exists(): Promise<boolean> {
    return this.#knex.schema.hasTable(this.table)
  }

  async ensure(): Promise<void> {
    const knex = this.#knex
    if (!(await knex.schema.hasTable(this.table))) {
      await knex.schema.createTable(this.table, (t) => {
        t.increments()
        t.string('name')
        t.integer('batch')
        t.timestamp('migration_time')
      })
    }
    if (!(await knex.schema.hasTable(this.lockTable))) {
      await knex.schema.createTable(this.lockTable, (t) => {
        t.increments('index').primary()
        t.integer('is_locked')
      })
    }
  }

  async applied(): Promise<AppliedMigration[]> {
    const rows = (await this.#knex(this.table)
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
    return db(this.table).insert({ name, batch, migration_time: new Date() })
  }

  forget(db: Knex | Knex.Transaction, name: string): Promise<unknown> {
    return db(this.table).where({ name }).del()
  }

  /**
   * Brings knex's lock table to one unlocked row. Called only while we hold
   * the release lock, so a row left at 1 was left by a process that died (or
   * a knex CLI run that crashed) and is safe to clear; duplicate rows come
   * from first-time concurrent knex runs. Returns true when it cleared a lock.
   */
  async clearStaleKnexLock(): Promise<boolean> {
    const knex = this.#knex
    const rows = (await knex(this.lockTable).select('index', 'is_locked').orderBy('index')) as {
      index: number
      is_locked: number
    }[]
    if (rows.length === 0) {
      await knex(this.lockTable).insert({ is_locked: 0 })
      return false
    }
    if (rows.length > 1) await knex(this.lockTable).where('index', '>', rows[0]!.index).del()
    const stale = rows.some((row) => Number(row.is_locked) === 1)
    if (stale) await knex(this.lockTable).update({ is_locked: 0 })
    return stale
  }

  /** Marks knex's lock while we apply, so a plain `knex migrate:latest` run meanwhile refuses instead of colliding. */
  setKnexLock(locked: boolean): Promise<unknown> {
    return this.#knex(this.lockTable).update({ is_locked: locked ? 1 : 0 })
  }
}
