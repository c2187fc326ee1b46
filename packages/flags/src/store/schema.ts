import type { Knex } from 'knex'

export const FLAGS_TABLE = 'kit_feature_flags'
export const AUDIT_TABLE = 'kit_feature_flag_audit'

/**
 * Creates kit's two flag tables when they are missing; safe to run from
 * several processes at once (a lost creation race is not an error). Called
 * by `kit release` and before the first run-time change.
 *
 * - kit_feature_flags: one row per flag changed at run time (the highest layer).
 * - kit_feature_flag_audit: one row per change: who, when, before and after.
 */
export async function ensureFlagsTable(knex: Knex): Promise<void> {
  await createIfMissing(knex, FLAGS_TABLE, (table) => {
    table.string('name', 191).primary()
    // JSON text, not a JSON column: one format on Postgres, MySQL/MariaDB and PGlite.
    table.text('state').notNullable()
    table.integer('version').notNullable().defaultTo(1)
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    table.string('updated_by', 191).nullable()
  })
  await createIfMissing(knex, AUDIT_TABLE, (table) => {
    table.increments('id')
    table.string('flag', 191).notNullable().index()
    table.string('action', 32).notNullable()
    table.string('actor', 191).notNullable()
    table.text('before').nullable()
    table.text('after').nullable()
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
}

async function createIfMissing(
  knex: Knex,
  name: string,
  build: (table: Knex.CreateTableBuilder) => void,
): Promise<void> {
  if (await knex.schema.hasTable(name)) return
  try {
    await knex.schema.createTable(name, build)
  } catch (error) {
    // Another process created it between the check and the CREATE.
    if (await knex.schema.hasTable(name)) return
    throw error
  }
}

/** The same tables as a knex-format migration, for apps that keep kit's tables in their own migrations folder. */
export const flagsMigration: {
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
} = {
  up: ensureFlagsTable,
  async down(knex) {
    await knex.schema.dropTableIfExists(AUDIT_TABLE)
    await knex.schema.dropTableIfExists(FLAGS_TABLE)
  },
}

/** Postgres `undefined_table`, MySQL/MariaDB `ER_NO_SUCH_TABLE`. */
export function isMissingTable(error: unknown): boolean {
  const e = error as { code?: string; errno?: number }
  return e?.code === '42P01' || e?.code === 'ER_NO_SUCH_TABLE' || e?.errno === 1146
}
