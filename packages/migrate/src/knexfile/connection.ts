import { basename } from 'node:path'
import {
  type DatabaseDialect,
  type DatabaseSslMode,
  type DatabaseTls,
  type DatabaseUrl,
  KitError,
  parseDatabaseUrl,
  resolveDatabaseSsl,
} from '@kit/internal'
import type { Knexfile } from './load.ts'

/** A knexfile connection in the shape kit connects with: the URL parts plus kit's TLS decision. */
export interface KnexfileConnection extends DatabaseUrl {
  ssl: false | DatabaseTls
  /** The knexfile set `ssl` itself (then it beats the URL's sslmode and kit's automatic choice). */
  explicitSsl: boolean
}

const CLIENTS: Record<string, DatabaseDialect> = {
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  'pg-native': 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
}

/**
 * Where a knexfile's `connection` points, read with the same URL parser and
 * TLS policy as DATABASE_URL. TLS: DATABASE_SSL (when not `auto`) wins, then
 * the knexfile's own `ssl`, then the URL's `sslmode`, then kit's automatic
 * rule (local → off, production remote → verified). undefined when the
 * knexfile has no connection.
 */
export function knexfileConnection(
  knexfile: Pick<Knexfile, 'file' | 'client' | 'connection'>,
  sslMode: DatabaseSslMode = 'auto',
  platform: { production?: boolean; heroku?: boolean } = {},
): KnexfileConnection | undefined {
  const { connection } = knexfile
  if (connection === undefined) return undefined
  const name = basename(knexfile.file)
  const client = knexfile.client
  const dialect = client === undefined ? undefined : CLIENTS[client]
  if (client !== undefined && !dialect) {
    throw new KitError(
      'KIT_MIGRATE_KNEXFILE_INVALID',
      `${name} uses the knex client "${client}"; kit release and kit migrate run on PostgreSQL (pg) and MySQL/MariaDB (mysql2). Use one of those, or set DATABASE_URL.`,
    )
  }
  let url: DatabaseUrl
  let explicit: unknown
  if (typeof connection === 'string') {
    url = parseDatabaseUrl(connection, `${name} connection`)
  } else {
    const text = connection.connectionString
    url =
      typeof text === 'string'
        ? parseDatabaseUrl(text, `${name} connection.connectionString`)
        : fromFields(dialect ?? 'postgres')
    applyFields(url, connection, name)
    explicit = connection.ssl
  }
  if (dialect && dialect !== url.dialect) {
    throw new KitError(
      'KIT_MIGRATE_KNEXFILE_INVALID',
      `${name} uses the knex client "${client}" but its connection is a ${url.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL'} URL. Make them agree.`,
    )
  }
  const explicitSsl = explicit !== undefined && sslMode === 'auto'
  const ssl = explicitSsl
    ? tlsFrom(explicit)
    : resolveDatabaseSsl(url, sslMode, platform, `${name} connection`)
  return { ...url, ssl, explicitSsl }
}

function fromFields(dialect: DatabaseDialect): DatabaseUrl {
  return {
    dialect,
    host: '',
    port: dialect === 'postgres' ? 5432 : 3306,
    user: undefined,
    password: undefined,
    database: '',
    socket: false,
    sslmode: undefined,
    sslRequested: false,
    sslFiles: {},
    params: {},
  }
}

/** knex connection object fields (pg's and mysql2's names) over what the URL said. */
function applyFields(url: DatabaseUrl, fields: Record<string, unknown>, name: string): void {
  const text = (key: string): string | undefined => {
    const value = fields[key]
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string') return value
    throw new KitError(
      'KIT_MIGRATE_KNEXFILE_INVALID',
      `${name}: connection.${key} is ${typeof value}; expected a string.`,
    )
  }
  const host = text('socketPath') ?? text('host')
  if (host !== undefined) {
    url.host = host
    url.socket = host.startsWith('/')
  }
  const port = fields.port
  if (port !== undefined && port !== null) {
    const n = Number(port)
    if (!Number.isInteger(n) || n < 1 || n > 65_535) {
      throw new KitError(
        'KIT_MIGRATE_KNEXFILE_INVALID',
        `${name}: connection.port is ${JSON.stringify(port)}; expected 1 to 65535.`,
      )
    }
    url.port = n
  }
  const user = text('user')
  if (user !== undefined) url.user = user
  // The password is never quoted back: a wrong type is named, not shown.
  if (fields.password !== undefined && typeof fields.password !== 'string') {
    throw new KitError('KIT_MIGRATE_KNEXFILE_INVALID', `${name}: connection.password must be a string.`)
  }
  if (typeof fields.password === 'string') url.password = fields.password
  const database = text('database')
  if (database !== undefined) url.database = database
  for (const key of ['application_name', 'options']) {
    const value = text(key)
    if (value !== undefined) url.params[key] = value
  }
}

function tlsFrom(ssl: unknown): false | DatabaseTls {
  if (ssl === false) return false
  if (ssl === true || typeof ssl === 'string') return { rejectUnauthorized: true }
  const object = ssl as Partial<DatabaseTls> & Record<string, unknown>
  return { ...object, rejectUnauthorized: object.rejectUnauthorized !== false }
}
