import { KitError } from '@kit/internal'

export type DatabaseSslMode = 'auto' | 'verify' | 'no-verify' | 'off'

export interface ParsedDatabaseUrl {
  dialect: 'postgres' | 'mysql'
  host: string
  port: number
  user: string | undefined
  password: string | undefined
  database: string
  /** SSL settings for the driver: false, or the TLS options object. */
  ssl: false | { rejectUnauthorized: boolean }
  /** Every other query parameter (sslmode removed), for the driver's own use. */
  params: Record<string, string>
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', ''])

/**
 * Parses DATABASE_URL ourselves (GOTCHAS: pg lets `sslmode` in the URL
 * override an explicit `ssl` object, and knex parses URL strings with an
 * older parser), and decides SSL once:
 * - `off` / `verify` / `no-verify` from DATABASE_SSL win;
 * - `auto`: local hosts → off; `sslmode` in the URL → libpq's meaning
 *   (`require` encrypts without verifying); Heroku (host on amazonaws.com or a
 *   dyno) → encrypted without verification, since Heroku Postgres
 *   certificates are not signed by a public CA; any other remote host →
 *   verified in production, off elsewhere.
 */
export function parseDatabaseUrl(
  url: string,
  sslMode: DatabaseSslMode = 'auto',
  platform: { production?: boolean; heroku?: boolean } = {},
): ParsedDatabaseUrl {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new KitError(
      'KIT_CORE_DATABASE_URL_INVALID',
      'DATABASE_URL is not a valid URL. Expected postgres://user:password@host:5432/database or mysql://user:password@host:3306/database.',
      { cause: error },
    )
  }
  const protocol = parsed.protocol.replace(/:$/, '')
  const dialect =
    protocol === 'postgres' || protocol === 'postgresql'
      ? 'postgres'
      : protocol === 'mysql' || protocol === 'mysql2' || protocol === 'mariadb'
        ? 'mysql'
        : undefined
  if (!dialect) {
    throw new KitError(
      'KIT_CORE_DATABASE_URL_INVALID',
      `DATABASE_URL uses the protocol "${protocol}:", which kit does not support. Use postgres:// (or postgresql://) for PostgreSQL, mysql:// for MySQL or MariaDB.`,
    )
  }
  const params: Record<string, string> = {}
  for (const [key, value] of parsed.searchParams) params[key] = value
  const sslmode = params.sslmode
  delete params.sslmode
  delete params.ssl

  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const resolved: DatabaseSslMode = sslMode !== 'auto' ? sslMode : autoSsl(host, sslmode, platform)
  return {
    dialect,
    host,
    port: parsed.port ? Number(parsed.port) : dialect === 'postgres' ? 5432 : 3306,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    ssl: resolved === 'off' ? false : { rejectUnauthorized: resolved === 'verify' },
    params,
  }
}

function autoSsl(
  host: string,
  sslmode: string | undefined,
  platform: { production?: boolean; heroku?: boolean },
): Exclude<DatabaseSslMode, 'auto'> {
  if (sslmode === 'disable') return 'off'
  if (sslmode === 'verify-ca' || sslmode === 'verify-full') return 'verify'
  if (sslmode === 'require' || sslmode === 'prefer' || sslmode === 'no-verify') return 'no-verify'
  if (LOCAL_HOSTS.has(host) || host.startsWith('/')) return 'off'
  if (platform.heroku || host.endsWith('.amazonaws.com')) return 'no-verify'
  return platform.production ? 'verify' : 'off'
}
