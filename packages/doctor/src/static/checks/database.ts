import { join, resolve } from 'node:path'
import { type DatabaseUrl, isKitError, isLocalDatabaseHost as isLocal, parseDatabaseUrl } from '@kit/internal'
import {
  BASELINE_FILE,
  checkMigrations,
  type MigrationsConfig,
  migrateStatus,
  projectMigrations,
} from '@kit/migrate'
import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext, DoctorDatabase } from '../context.ts'

type StaticCheck = CheckDefinition<DoctorContext>

/** The parsed DATABASE_URL (the same parser kit's connection uses), or undefined when it does not parse. */
function databaseUrl(url: string): DatabaseUrl | undefined {
  try {
    return parseDatabaseUrl(url)
  } catch {
    return undefined
  }
}

const databaseHost = (url: string) => databaseUrl(url)?.host

async function connected(ctx: DoctorContext): Promise<DoctorDatabase | string> {
  if (!ctx.env.DATABASE_URL) return 'DATABASE_URL is unset'
  const db = await ctx.openDatabase()
  return db ?? 'no database connection was given to doctor'
}

async function firstRow(db: DoctorDatabase, sql: string): Promise<Record<string, unknown> | undefined> {
  const result = (await db.knex.raw(sql)) as
    | { rows?: Record<string, unknown>[] }
    | [Record<string, unknown>[], unknown]
  const rows = Array.isArray(result) ? result[0] : result.rows
  return rows?.[0]
}

/** kit.config's `migrations` with the app's knexfile filled in: the settings `kit release` uses. */
async function migrationSettings(ctx: DoctorContext): Promise<MigrationsConfig> {
  return (await projectMigrations(ctx.appRoot, ctx.config.migrations ?? {}, ctx.env.NODE_ENV)).settings
}

interface MigrationState {
  names: string[]
  directory: string
  /** Left half run by a killed release: kit release refuses until `kit migrate resolve`. */
  interrupted: string[]
  /** No migrations folder at all. */
  none: boolean
}

async function pendingMigrations(ctx: DoctorContext): Promise<MigrationState | { refused: string } | string> {
  const db = await connected(ctx)
  if (typeof db === 'string') return db
  let settings: MigrationsConfig
  try {
    settings = await migrationSettings(ctx)
  } catch (error) {
    // A knexfile kit release would refuse: say so rather than report on the wrong folder.
    if (isKitError(error, 'KIT_MIGRATE_KNEXFILE_INVALID')) return { refused: error.message }
    throw error
  }
  const directory = join(ctx.appRoot, settings.directory ?? 'migrations')
  try {
    // Only a configured directory must exist; without one, no migrations/ folder means no migrations (as in kit release).
    const status = await migrateStatus({
      knex: db.knex,
      cwd: ctx.appRoot,
      ...(settings.directory ? { directory: settings.directory } : {}),
      ...(settings.tableName ? { tableName: settings.tableName } : {}),
      ...(settings.schemaName ? { schemaName: settings.schemaName } : {}),
      ...(settings.loadExtensions ? { loadExtensions: settings.loadExtensions } : {}),
    })
    return {
      names: status.pending,
      directory,
      interrupted: status.interrupted,
      none: status.directoryMissing,
    }
  } catch (error) {
    if (isKitError(error, 'KIT_MIGRATE_DIRECTORY_NOT_FOUND')) return `no migrations directory (${directory})`
    // Files kit cannot load: the release refuses them, so "up to date" would be a lie.
    if (isKitError(error, 'KIT_MIGRATE_FOREIGN_FILES')) return { refused: error.message.split('\n')[0] ?? '' }
    throw error
  }
}

export const DATABASE_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-DB-001',
    title: 'A real database in production',
    severity: 'high',
    fix: 'Set DATABASE_URL to your Postgres (heroku addons:create heroku-postgresql) or MySQL: the embedded PGlite lives in one process’s folder and is lost with the dyno.',
    run(ctx) {
      if (ctx.env.DATABASE_URL)
        return pass(`DATABASE_URL points at ${databaseHost(ctx.env.DATABASE_URL) ?? 'a server'}`)
      return ctx.production
        ? fail('DATABASE_URL is unset: the embedded PGlite would hold production data')
        : pass('embedded database (not production)')
    },
  },
  {
    id: 'KIT-DB-002',
    title: 'TLS to a remote database is not turned off',
    severity: 'high',
    fix: 'Remove DATABASE_SSL=off (and sslmode=disable from DATABASE_URL) for a database reached over the network; use verify where the provider’s CA is public.',
    run(ctx) {
      const url = ctx.env.DATABASE_URL
      if (!url) return skip('no DATABASE_URL')
      const parsed = databaseUrl(url)
      const host = parsed?.host ?? ''
      if (isLocal(host)) return pass('local database')
      if (ctx.env.DATABASE_SSL === 'off')
        return fail(`DATABASE_SSL=off for ${host}: credentials and data cross the network in clear text`)
      if (parsed?.sslmode === 'disable') return fail(`sslmode=disable in DATABASE_URL for ${host}`)
      return pass(`TLS ${ctx.env.DATABASE_SSL} for ${host}`)
    },
  },
  {
    id: 'KIT-DB-003',
    title: 'The database answers over an encrypted connection',
    severity: 'high',
    online: true,
    fix: 'Check DATABASE_URL and the network path; for a remote server turn TLS on (DATABASE_SSL=verify, or no-verify for providers whose CA is private, such as Heroku).',
    async run(ctx) {
      const db = await connected(ctx)
      if (typeof db === 'string') return skip(db)
      const host = databaseHost(ctx.env.DATABASE_URL!) ?? ''
      if (db.kind === 'mysql') {
        const row = await firstRow(db, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        const cipher = String(row?.Value ?? row?.value ?? '')
        if (cipher) return pass(`connected with TLS (${cipher})`)
        return isLocal(host)
          ? pass('connected (local, no TLS needed)')
          : fail(`connected to ${host} without TLS`)
      }
      const row = await firstRow(db, 'select ssl, version from pg_stat_ssl where pid = pg_backend_pid()')
      if (row?.ssl === true) return pass(`connected with ${String(row.version)}`)
      return isLocal(host)
        ? pass('connected (local, no TLS needed)')
        : fail(`connected to ${host} without TLS`)
    },
  },
  {
    id: 'KIT-DB-004',
    title: 'Connection pools fit the server’s max_connections',
    severity: 'medium',
    online: true,
    fix: 'Lower DATABASE_POOL_MAX (or WEB_CONCURRENCY), or put PgBouncer in front: pool × processes × instances must stay under max_connections minus the reserved ones.',
    async run(ctx) {
      const db = await connected(ctx)
      if (typeof db === 'string') return skip(db)
      const processes = Math.max(1, Number(ctx.raw.WEB_CONCURRENCY) || 1)
      const wanted = ctx.env.DATABASE_POOL_MAX * processes
      let available: number
      if (db.kind === 'mysql') {
        available = Number((await firstRow(db, 'SELECT @@max_connections AS max'))?.max)
      } else {
        const max = Number((await firstRow(db, 'show max_connections'))?.max_connections)
        const reserved = Number(
          (await firstRow(db, 'show superuser_reserved_connections'))?.superuser_reserved_connections ?? 0,
        )
        available = max - reserved
      }
      if (!Number.isFinite(available) || available <= 0)
        return skip('the server did not say its max_connections')
      const per = `DATABASE_POOL_MAX ${ctx.env.DATABASE_POOL_MAX} × ${processes} process${processes === 1 ? '' : 'es'} = ${wanted} of ${available} connections`
      if (wanted > available) return fail(`${per}: one instance can exhaust the server`)
      return pass(`${per} per instance${ctx.instances.length ? '; multiply by the number of instances' : ''}`)
    },
  },
  {
    id: 'KIT-MIG-001',
    title: 'No migration is pending',
    severity: 'medium',
    online: true,
    fix: 'Run the migrations before the new code serves traffic: `release: kit release` in the Procfile does it on every deploy (or `kit migrate up`).',
    async run(ctx) {
      const pending = await pendingMigrations(ctx)
      if (typeof pending === 'string') return skip(pending)
      if ('refused' in pending) return fail(pending.refused)
      if (pending.interrupted.length)
        return fail(
          `interrupted by a killed release: ${pending.interrupted.join(', ')} (kit release refuses until \`kit migrate resolve <name> --applied|--retry\`)`,
        )
      if (pending.none) return skip(`no migrations directory (${pending.directory})`)
      return pending.names.length
        ? fail(
            `${pending.names.length} pending: ${pending.names.slice(0, 3).join(', ')}${pending.names.length > 3 ? ', ...' : ''}`,
          )
        : pass('the database is up to date')
    },
  },
  {
    id: 'KIT-MIG-002',
    title: 'Pending migrations are safe to run on a live database',
    severity: 'high',
    online: true,
    fix: 'Follow the recipe `kit migrate check` prints for each finding (CREATE INDEX CONCURRENTLY, NOT VALID constraints, expand/contract renames), or acknowledge a reviewed rule in the migration: export const kit = { acknowledge: [...] }.',
    async run(ctx) {
      const pending = await pendingMigrations(ctx)
      if (typeof pending === 'string') return skip(pending)
      if ('refused' in pending) return skip('the migrations folder holds files kit cannot load (KIT-MIG-001)')
      if (pending.names.length === 0) return pass('nothing pending')
      const db = (await ctx.openDatabase())!
      const result = await checkMigrations(
        pending.names.map((name) => join(pending.directory, name)),
        {
          dialect: db.kind,
          // The review baseline `kit migrate check --baseline` writes, as kit release reads it.
          baseline: ctx.config.migrations?.baseline
            ? resolve(ctx.appRoot, ctx.config.migrations.baseline)
            : join(pending.directory, BASELINE_FILE),
        },
      )
      if (result.unacknowledged.length === 0)
        return pass(
          `${pending.names.length} pending, no unacknowledged unsafe operation${result.notChecked.length ? ` (${result.notChecked.length} to review by hand)` : ''}`,
        )
      const first = result.unacknowledged[0]!
      return fail(
        `${result.unacknowledged.length} unsafe operation${result.unacknowledged.length === 1 ? '' : 's'}: ${first.migration}: ${first.rule} on ${first.table}`,
      )
    },
  },
]
