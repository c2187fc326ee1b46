import { createRequire } from 'node:module'
import { KitError } from './kit-error.ts'

/** The server families kit connects to: PostgreSQL through pg, MySQL/MariaDB through mysql2. */
export type DatabaseDialect = 'postgres' | 'mysql'

/** A database URL taken apart: what a driver needs, with kit's TLS decision left to resolveDatabaseSsl(). */
export interface DatabaseUrl {
  dialect: DatabaseDialect
  /** A host name or address; for a Unix socket, the socket's directory (Postgres) or file (MySQL). */
  host: string
  port: number
  user: string | undefined
  password: string | undefined
  database: string
  /** `host` is a Unix socket path (`?host=/var/run/postgresql`): always local. */
  socket: boolean
  /** libpq's `sslmode` (disable, prefer, require, verify-ca, verify-full, or node-postgres's no-verify). */
  sslmode: string | undefined
  /** node-postgres's `ssl=true`: TLS on, verification left to kit's rule (resolveDatabaseSsl). */
  sslRequested: boolean
  /** Certificate files the URL names (sslrootcert, sslcert, sslkey), read only when connecting. */
  sslFiles: { ca?: string; cert?: string; key?: string }
  /** Every other query parameter (`options`, `application_name`...), for the driver. */
  params: Record<string, string>
}

// The code stays KIT_CORE_*: DATABASE_URL is @kit/core's setting and users match on the code (core/src/errors.ts lists it).
const INVALID = 'KIT_CORE_DATABASE_URL_INVALID'
const EXAMPLES =
  'Expected postgres://user:password@host:5432/database (a Unix socket: postgres://user@/database?host=/var/run/postgresql) or mysql://user:password@host:3306/database; percent-encode special characters in the password.'
const PROTOCOLS: Record<string, DatabaseDialect> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
}
// Taken out before pg-connection-string sees the URL: it would read the files at once and warn about sslmode.
const SSL_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey'] as const

type PgParse = (url: string) => Record<string, unknown>
let pgParse: PgParse | undefined

/**
 * Parses a database URL with pg-connection-string, the parser node-postgres
 * itself uses (socket hosts, `?host=`, `?user=`, encoded passwords), after
 * checking the protocol kit supports. The TLS parameters are kept apart so
 * that kit's policy (resolveDatabaseSsl) decides TLS once; see
 * docs/internals/database-url.md. Errors never contain the URL: it holds
 * the password.
 */
export function parseDatabaseUrl(url: string, setting = 'DATABASE_URL'): DatabaseUrl {
  const text = typeof url === 'string' ? url.trim() : ''
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase()
  if (!scheme) throw new KitError(INVALID, `${setting} is not a valid URL. ${EXAMPLES}`)
  const dialect = PROTOCOLS[scheme]
  if (!dialect) {
    throw new KitError(
      INVALID,
      `${setting} uses the protocol "${scheme}:", which kit does not support. Use postgres:// (or postgresql://) for PostgreSQL, mysql:// (or mariadb://) for MySQL or MariaDB.`,
    )
  }
  const { rest, ssl } = splitSslParams(text)
  let parsed: Record<string, unknown>
  try {
    pgParse ??= (createRequire(import.meta.url)('pg-connection-string') as { parse: PgParse }).parse
    parsed = pgParse(rest)
  } catch {
    // The parser's own message may quote the input; the cause is dropped for the same reason.
    throw new KitError(INVALID, `${setting} is not a valid URL. ${EXAMPLES}`)
  }
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' && !['host', 'port', 'user', 'password', 'database'].includes(key))
      params[key] = value
  }
  const host = typeof parsed.host === 'string' ? parsed.host : ''
  const portText = typeof parsed.port === 'string' && parsed.port !== '' ? parsed.port : undefined
  const port = portText === undefined ? (dialect === 'postgres' ? 5432 : 3306) : Number(portText)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new KitError(INVALID, `${setting} has the port "${portText}"; expected a number from 1 to 65535.`)
  }
  const sslFiles: DatabaseUrl['sslFiles'] = {}
  if (ssl.sslrootcert) sslFiles.ca = ssl.sslrootcert
  if (ssl.sslcert) sslFiles.cert = ssl.sslcert
  if (ssl.sslkey) sslFiles.key = ssl.sslkey
  return {
    dialect,
    host,
    port,
    user: typeof parsed.user === 'string' && parsed.user !== '' ? parsed.user : undefined,
    password: typeof parsed.password === 'string' && parsed.password !== '' ? parsed.password : undefined,
    database: typeof parsed.database === 'string' ? parsed.database : '',
    socket: host.startsWith('/'),
    sslmode: ssl.sslmode,
    sslRequested: ssl.ssl === 'true' || ssl.ssl === '1',
    sslFiles,
    params,
  }
}

/** The URL without its TLS parameters, and those parameters (a query string follows the first `?`). */
function splitSslParams(text: string): {
  rest: string
  ssl: Partial<Record<(typeof SSL_PARAMS)[number], string>>
} {
  const at = text.indexOf('?')
  if (at < 0) return { rest: text, ssl: {} }
  const hash = text.indexOf('#', at)
  const query = new URLSearchParams(text.slice(at + 1, hash < 0 ? undefined : hash))
  const ssl: Partial<Record<(typeof SSL_PARAMS)[number], string>> = {}
  for (const key of SSL_PARAMS) {
    const value = query.get(key)
    if (value !== null) ssl[key] = value
    query.delete(key)
  }
  const remaining = query.toString()
  return { rest: `${text.slice(0, at)}${remaining ? `?${remaining}` : ''}`, ssl }
}

/** A description safe to log: host (or socket), port and database, never credentials. */
export function describeDatabaseUrl(url: Pick<DatabaseUrl, 'host' | 'port' | 'database' | 'socket'>): string {
  return url.socket ? `${url.host} (socket)/${url.database}` : `${url.host}:${url.port}/${url.database}`
}
