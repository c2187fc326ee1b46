import { readFileSync } from 'node:fs'
import type { DatabaseUrl } from './database-url.ts'
import { KitError } from './kit-error.ts'

/** DATABASE_SSL: `auto` lets the URL and the host decide; the others force it. */
export type DatabaseSslMode = 'auto' | 'verify' | 'no-verify' | 'off'

/** TLS options both pg and mysql2 take. */
export interface DatabaseTls {
  rejectUnauthorized: boolean
  ca?: string
  cert?: string
  key?: string
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', ''])

/** Loopback, an empty host (the driver's local default) or a Unix socket path: traffic never leaves the machine. */
export function isLocalDatabaseHost(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith('/')
}

/**
 * kit's TLS policy, decided once per connection:
 * - DATABASE_SSL `off` / `verify` / `no-verify` wins;
 * - `auto`: `sslmode` in the URL keeps libpq's meaning (`require` encrypts
 *   without verifying, unless `sslrootcert` names a CA: then libpq verifies);
 *   `ssl=true` (node-postgres) turns TLS on and leaves verification to the
 *   host rule below;
 *   a local host or socket → off; Heroku (a dyno, or a host on
 *   amazonaws.com) → encrypted without verification, its certificates are
 *   not signed by a public CA; any other remote host → verified in
 *   production, off elsewhere.
 * Certificate files named by the URL are read here, at connect time.
 */
export function resolveDatabaseSsl(
  url: Pick<DatabaseUrl, 'host' | 'sslmode' | 'sslFiles'> & { sslRequested?: boolean },
  mode: DatabaseSslMode = 'auto',
  platform: { production?: boolean; heroku?: boolean } = {},
  setting = 'DATABASE_URL',
): false | DatabaseTls {
  const resolved = mode !== 'auto' ? mode : autoSsl(url, platform)
  if (resolved === 'off') return false
  const tls: DatabaseTls = { rejectUnauthorized: resolved === 'verify' }
  for (const [key, param] of [
    ['ca', 'sslrootcert'],
    ['cert', 'sslcert'],
    ['key', 'sslkey'],
  ] as const) {
    const file = url.sslFiles[key]
    if (file) tls[key] = readCertificate(file, param, setting)
  }
  return tls
}

function autoSsl(
  url: Pick<DatabaseUrl, 'host' | 'sslmode' | 'sslFiles'> & { sslRequested?: boolean },
  platform: { production?: boolean; heroku?: boolean },
): Exclude<DatabaseSslMode, 'auto'> {
  const { sslmode, host } = url
  if (sslmode === 'disable') return 'off'
  if (sslmode === 'verify-ca' || sslmode === 'verify-full') return 'verify'
  if (sslmode === 'require' && url.sslFiles.ca) return 'verify'
  if (sslmode === 'require' || sslmode === 'prefer' || sslmode === 'no-verify') return 'no-verify'
  const byHost: Exclude<DatabaseSslMode, 'auto'> = isLocalDatabaseHost(host)
    ? 'off'
    : platform.heroku || host.endsWith('.amazonaws.com')
      ? 'no-verify'
      : platform.production
        ? 'verify'
        : 'off'
  // `ssl=true` turns TLS on where the host rule would not; it never weakens a verified connection.
  return url.sslRequested && byHost === 'off' ? 'no-verify' : byHost
}

function readCertificate(file: string, param: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new KitError(
      'KIT_CORE_DATABASE_URL_INVALID',
      `${setting} names ${param}=${file}, which could not be read (${code}). Point ${param} at the certificate file in PEM format, or remove it.`,
    )
  }
}
