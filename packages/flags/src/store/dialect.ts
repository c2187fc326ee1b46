import type { Knex } from 'knex'

export type Dialect = 'postgres' | 'pglite' | 'mysql' | 'other'

/**
 * Which database a knex talks to. PGlite (knex-pglite) reuses knex's pg
 * client, so it is told apart by the PGlite instance the client holds.
 */
export function dialectOf(knex: Knex): Dialect {
  const client = knex.client as {
    pglite?: unknown
    dialect?: string
    driverName?: string
    config?: { client?: unknown }
  }
  if (client.pglite !== undefined || (client.constructor as { name?: string }).name?.includes('PGLite'))
    return 'pglite'
  if (client.dialect === 'postgresql' || client.driverName === 'pg') return 'postgres'
  if (client.dialect === 'mysql' || client.dialect === 'mysql2') return 'mysql'
  return 'other'
}
