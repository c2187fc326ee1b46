import { KitError } from '@kit/internal'
import type { Knex } from 'knex'

/** The databases @kit/migrate runs on. PGlite speaks Postgres SQL but is one process, one connection. */
export type Dialect = 'postgres' | 'mysql' | 'pglite'

/** The SQL family a dialect's migrations are checked against. */
export type SqlFamily = 'postgres' | 'mysql'

export function sqlFamily(dialect: Dialect): SqlFamily {
  return dialect === 'mysql' ? 'mysql' : 'postgres'
}

/** Reads the dialect off a knex instance without querying it. */
export function detectDialect(knex: Knex): Dialect {
  const client = knex.client as { dialect?: string; driverName?: string; pglite?: unknown }
  if ('pglite' in client || classNames(client).some((name) => /pglite/i.test(name))) return 'pglite'
  if (client.dialect === 'postgresql' && (client.driverName === 'pg' || client.driverName === 'pg-native')) {
    return 'postgres'
  }
  if (client.dialect === 'mysql' || client.dialect === 'mysql2') return 'mysql'
  throw new KitError(
    'KIT_MIGRATE_UNSUPPORTED_DATABASE',
    `@kit/migrate runs on PostgreSQL (pg), MySQL/MariaDB (mysql2) and PGlite (knex-pglite); this knex uses the "${client.dialect ?? 'unknown'}" client. Use one of those clients.`,
  )
}

function classNames(object: object): string[] {
  const names: string[] = []
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; ) {
    names.push(proto.constructor?.name ?? '')
    proto = Object.getPrototypeOf(proto)
  }
  return names
}

/** Postgres and PGlite answer `rows`; mysql2 answers `[rows, fields]`. */
export function rowsOf<T = Record<string, unknown>>(dialect: Dialect, result: unknown): T[] {
  if (dialect === 'mysql') return ((result as unknown[])[0] ?? []) as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}

/** Quotes an identifier for the dialect (names come from our own options, never from users' input). */
export function quoteIdent(dialect: Dialect, name: string): string {
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`
}
