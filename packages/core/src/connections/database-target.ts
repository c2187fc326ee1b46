import { basename } from 'node:path'
import { describeDatabaseUrl } from '@kit/internal'
import type { KnexfileConnection } from '@kit/migrate'
import type { DatabaseEnv } from './database.ts'
import { type ParsedDatabaseUrl, parseDatabaseUrl } from './database-url.ts'

/** Where `kit release` / `kit migrate` / `kit db` connect, and why. */
export interface DatabaseTarget {
  /** undefined: the embedded PGlite. */
  target: ParsedDatabaseUrl | undefined
  kind: 'postgres' | 'mysql' | 'pglite'
  /** What chose it, for the release's env step: `DATABASE_URL`, `knexfile.js connection`, `embedded database`. */
  source: string
  /** Lines for the user: a knexfile connection that DATABASE_URL overrides, or the knexfile being used. */
  notices: string[]
}

/**
 * DATABASE_URL wins over a knexfile's `connection`: it is what the app's
 * kit.db and the platform use (Heroku rotates its credentials), so the
 * migrations land in the database the app reads. The knexfile connection is
 * used when DATABASE_URL is unset, as `knex migrate:latest` would; without
 * either, the embedded PGlite. When both are set and name the same
 * database, the knexfile's explicit `ssl` is kept (DATABASE_SSL=auto and no
 * sslmode in the URL); when they differ, DATABASE_URL is used and the
 * difference reported. docs/releases.md, "Reading a knexfile".
 */
export function resolveDatabaseTarget(
  env: DatabaseEnv,
  knexfile?: { file: string; environment: string | undefined; connection: KnexfileConnection | undefined },
): DatabaseTarget {
  const mode = env.DATABASE_SSL ?? 'auto'
  const platform = databasePlatform(env)
  const fromKnexfile = knexfile?.connection
  const where = knexfile
    ? `${basename(knexfile.file)}${knexfile.environment ? ` (${knexfile.environment})` : ''}`
    : ''
  if (env.DATABASE_URL) {
    const url = parseDatabaseUrl(env.DATABASE_URL, mode, platform)
    if (!fromKnexfile) return { target: url, kind: url.dialect, source: 'DATABASE_URL', notices: [] }
    if (!sameDatabase(url, fromKnexfile)) {
      return {
        target: url,
        kind: url.dialect,
        source: 'DATABASE_URL',
        notices: [
          `${where} connects to ${describeDatabaseUrl(fromKnexfile)} but DATABASE_URL to ${describeDatabaseUrl(url)}: using DATABASE_URL, the database the app uses. Make the knexfile's connection process.env.DATABASE_URL so knex and kit agree.`,
        ],
      }
    }
    const keepSsl = fromKnexfile.explicitSsl && url.sslmode === undefined
    return {
      target: keepSsl ? { ...url, ssl: fromKnexfile.ssl } : url,
      kind: url.dialect,
      source: 'DATABASE_URL',
      notices: [],
    }
  }
  if (fromKnexfile) {
    const { explicitSsl: _explicit, ...target } = fromKnexfile
    return {
      target,
      kind: target.dialect,
      source: `${where} connection`,
      notices: [`DATABASE_URL is unset: using the connection of ${where} (${describeDatabaseUrl(target)}).`],
    }
  }
  return { target: undefined, kind: 'pglite', source: 'embedded database', notices: [] }
}

function sameDatabase(a: ParsedDatabaseUrl, b: KnexfileConnection): boolean {
  const host = (h: string) => (h === 'localhost' || h === '' ? '127.0.0.1' : h)
  return (
    a.dialect === b.dialect &&
    host(a.host) === host(b.host) &&
    a.port === b.port &&
    a.database === b.database &&
    (b.user === undefined || a.user === b.user)
  )
}

/** What kit's TLS policy needs to know about where it runs. */
export function databasePlatform(env: DatabaseEnv): { production: boolean; heroku: boolean } {
  return { production: env.NODE_ENV === 'production', heroku: Boolean(env.DYNO) }
}
