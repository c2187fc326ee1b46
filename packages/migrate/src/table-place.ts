import type { Knex } from 'knex'

/**
 * Where kit's bookkeeping tables live: the connection's default schema, or
 * knex's `migrations.schemaName`. Every read and write of the history, lock
 * and interrupted tables goes through here, so none of them can miss the
 * schema (knex itself qualifies each query the same way: table-resolver.js).
 */
export class TablePlace {
  readonly schemaName: string | undefined

  constructor(schemaName: string | undefined) {
    this.schemaName = schemaName
  }

  /** A query on `table`, schema-qualified when a schema is set. */
  table(db: Knex | Knex.Transaction, table: string): Knex.QueryBuilder {
    return this.schemaName ? db(table).withSchema(this.schemaName) : db(table)
  }

  /** The schema builder for `hasTable` / `createTable`. */
  schema(db: Knex | Knex.Transaction): Knex.SchemaBuilder {
    return this.schemaName ? db.schema.withSchema(this.schemaName) : db.schema
  }

  /**
   * Creates the schema if it is missing. knex's own migrator does not (its
   * first run then fails on "schema does not exist"); a release on a fresh
   * database should not need a hand-written CREATE SCHEMA first.
   */
  async ensureSchema(db: Knex | Knex.Transaction): Promise<void> {
    // MySQL's schema is a database, which the connection already names: nothing to create there.
    const postgres = (db.client as { dialect?: string }).dialect === 'postgresql'
    if (this.schemaName && postgres) await db.schema.createSchemaIfNotExists(this.schemaName)
  }
}
