import {
  type DatabaseSslMode,
  type DatabaseTls,
  type DatabaseUrl,
  parseDatabaseUrl as parseUrl,
  resolveDatabaseSsl,
} from '@kit/internal'

export type { DatabaseSslMode }

/** A database URL with kit's TLS decision made: what createDatabase() connects with. */
export interface ParsedDatabaseUrl extends DatabaseUrl {
  /** TLS settings for the driver: false, or the TLS options object. */
  ssl: false | DatabaseTls
}

/**
 * DATABASE_URL parsed by the one parser every package uses (@kit/internal,
 * built on pg-connection-string), then TLS decided by kit's policy
 * (resolveDatabaseSsl: DATABASE_SSL, the URL's sslmode, local or remote host,
 * production, Heroku).
 */
export function parseDatabaseUrl(
  url: string,
  sslMode: DatabaseSslMode = 'auto',
  platform: { production?: boolean; heroku?: boolean } = {},
): ParsedDatabaseUrl {
  const parsed = parseUrl(url)
  return { ...parsed, ssl: resolveDatabaseSsl(parsed, sslMode, platform) }
}
