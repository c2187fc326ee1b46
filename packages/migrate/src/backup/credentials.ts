import { randomUUID } from 'node:crypto'
import { unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDatabaseUrl } from '@kit/internal'

/** Connection parts the client tools need, read from knex's settings (an object or a URL). */
export interface ServerTarget {
  host?: string
  port?: number
  user?: string
  password?: string
  database: string
  ssl: boolean
  /** `sslmode` from a URL, when it had one. */
  sslmode?: string
}

export function serverTarget(settings: Record<string, unknown> | string): ServerTarget {
  const source = typeof settings === 'string' ? settings : (settings.connectionString as string | undefined)
  const fromUrl: Partial<ServerTarget> = {}
  if (source) {
    // The parser kit's own connection uses: socket hosts (`?host=/var/run/postgresql`) and encoded passwords.
    const url = parseDatabaseUrl(source, 'The knex connection string')
    if (url.host) fromUrl.host = url.host
    if (url.port) fromUrl.port = url.port
    if (url.user) fromUrl.user = url.user
    if (url.password) fromUrl.password = url.password
    fromUrl.database = url.database
    if (url.sslmode) fromUrl.sslmode = url.sslmode
    if ((url.sslmode && url.sslmode !== 'disable') || url.sslRequested) fromUrl.ssl = true
  }
  const object = typeof settings === 'string' ? {} : settings
  const pick = <T>(key: string): T | undefined => (object[key] as T | undefined) ?? undefined
  const target: ServerTarget = {
    database: pick<string>('database') ?? fromUrl.database ?? '',
    ssl: Boolean(pick('ssl')) || fromUrl.ssl === true,
  }
  // mysql2 names a Unix socket `socketPath`; libpq and the mysql tools take a socket path as the host.
  const host = pick<string>('socketPath') ?? pick<string>('host') ?? fromUrl.host
  const port = pick<number | string>('port') ?? fromUrl.port
  const user = pick<string>('user') ?? fromUrl.user
  const password = pick<string>('password') ?? fromUrl.password
  if (host) target.host = host
  if (port !== undefined) target.port = Number(port)
  if (user) target.user = user
  if (password !== undefined) target.password = password
  if (fromUrl.sslmode) target.sslmode = fromUrl.sslmode
  return target
}

/** libpq environment for pg_dump / pg_restore: the password never appears on a command line. */
export function postgresEnv(target: ServerTarget, database: string = target.database): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PGDATABASE: database, PGAPPNAME: 'kit-backup', PGCONNECT_TIMEOUT: '10' }
  if (target.host) env.PGHOST = target.host
  if (target.port) env.PGPORT = String(target.port)
  if (target.user) env.PGUSER = target.user
  if (target.password !== undefined) env.PGPASSWORD = target.password
  // node-postgres with ssl set encrypts without libpq's certificate file; 'require' is the libpq equivalent.
  if (target.sslmode) env.PGSSLMODE = target.sslmode
  else if (target.ssl) env.PGSSLMODE = 'require'
  return env
}

/**
 * A private option file for mysqldump / mysql (`--defaults-extra-file`, which
 * must be their first argument), so the password is neither in argv nor in
 * the environment. Removed by the returned function.
 */
export async function mysqlOptionFile(
  target: ServerTarget,
  flavour: 'mariadb' | 'mysql',
): Promise<{ path: string; remove(): Promise<void> }> {
  const lines = ['[client]']
  if (target.host?.startsWith('/')) lines.push(`socket=${target.host}`)
  else if (target.host) lines.push(`host=${target.host}`)
  if (target.port) lines.push(`port=${target.port}`)
  if (target.user) lines.push(`user=${quote(target.user)}`)
  if (target.password !== undefined) lines.push(`password=${quote(target.password)}`)
  if (target.ssl) lines.push(flavour === 'mariadb' ? 'ssl' : 'ssl-mode=REQUIRED')
  const path = join(tmpdir(), `kit-mysql-${randomUUID()}.cnf`)
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 })
  return { path, remove: () => unlink(path).catch(() => {}) }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}
