import { randomBytes, scryptSync } from 'node:crypto'
import type { Knex } from 'knex'

// The demo account the login form accepts: demo@example.com / correct horse battery staple.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.increments('id')
    table.string('email', 320).notNullable().unique()
    table.string('password_hash', 200).notNullable()
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now())
  })
  const salt = randomBytes(16).toString('hex')
  const hash = scryptSync('correct horse battery staple', salt, 32).toString('hex')
  await knex('users').insert({ email: 'demo@example.com', password_hash: `${salt}:${hash}` })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users')
}
