import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { KitError } from '@kit/internal'
import { debug } from '../debug.ts'
import { importModule } from '../import-module.ts'

/** What kit takes from a knexfile, for the environment NODE_ENV selects. */
export interface Knexfile {
  /** Absolute path of the file. */
  file: string
  /** The environment key used (`production`), or undefined for a flat knexfile. */
  environment: string | undefined
  /** knex's `client` (pg, postgresql, mysql2...), when set. */
  client: string | undefined
  /** knex's `connection`: a URL, an object, or what a connection function returned. */
  connection: string | Record<string, unknown> | undefined
  migrations: {
    directory?: string
    tableName?: string
    schemaName?: string
    loadExtensions?: string[]
  }
  seeds: { directory?: string }
  /** Settings kit does not use (knex's `pool`, `migrations.extension`, ...), named for one notice. */
  ignored: string[]
}

/** knex's CLI looks for these names (knexfile.ts needs no TypeScript install here: jiti compiles it). */
export const KNEXFILE_NAMES = [
  'knexfile.js',
  'knexfile.cjs',
  'knexfile.mjs',
  'knexfile.ts',
  'knexfile.cts',
  'knexfile.mts',
] as const

/** The knexfile in `directory`, if there is one (the app root; knex's CLI also looks there first). */
export function findKnexfile(directory: string): string | undefined {
  for (const name of KNEXFILE_NAMES) {
    const path = join(directory, name)
    if (existsSync(path)) return path
  }
  return undefined
}

const ENVIRONMENT_KEYS = new Set(['client', 'connection', 'migrations', 'seeds', 'pool', 'useNullAsDefault'])
const USED_MIGRATION_KEYS = new Set(['directory', 'tableName', 'schemaName', 'loadExtensions'])

/**
 * Loads a knexfile the way knex's CLI does: the default export (or
 * module.exports), called if it is a function, then `config[environment]`
 * when that key exists, else the whole object (a flat knexfile).
 * `environment` is NODE_ENV, `development` when unset, as in knex.
 */
export async function loadKnexfile(file: string, environment: string): Promise<Knexfile> {
  const name = basename(file)
  let exported: unknown
  try {
    const module = await importModule(file)
    exported = module.default ?? module
    if (typeof exported === 'function') exported = await (exported as () => unknown)()
  } catch (error) {
    throw new KitError(
      'KIT_MIGRATE_KNEXFILE_INVALID',
      `${name} could not be loaded: ${(error as Error).message}. Fix the file (\`node ${name}\` shows the same error), or move it away if kit should not read it.`,
      { cause: error },
    )
  }
  const all = asObject(exported, name, 'export')
  const flat = Object.keys(all).some((key) => ENVIRONMENT_KEYS.has(key))
  let chosen: Record<string, unknown>
  let used: string | undefined
  if (!flat && all[environment] !== undefined) {
    chosen = asObject(all[environment], name, environment)
    used = environment
  } else if (flat) {
    chosen = all
  } else {
    throw new KitError(
      'KIT_MIGRATE_KNEXFILE_INVALID',
      `${name} has no \`${environment}\` environment (NODE_ENV=${environment}); it has ${Object.keys(all).join(', ') || 'nothing'}. Add a \`${environment}\` key, or set NODE_ENV to one of those.`,
    )
  }
  const migrations = asObject(chosen.migrations ?? {}, name, 'migrations')
  const seeds = asObject(chosen.seeds ?? {}, name, 'seeds')
  const ignored = Object.keys(chosen).filter(
    (key) => !['client', 'connection', 'migrations', 'seeds'].includes(key),
  )
  ignored.push(
    ...Object.keys(migrations)
      .filter((key) => !USED_MIGRATION_KEYS.has(key))
      .map((key) => `migrations.${key}`),
  )
  const result: Knexfile = {
    file,
    environment: used,
    client: clientName(chosen.client, name),
    connection: await connectionOf(chosen.connection, name),
    migrations: migrationSettings(migrations, name),
    seeds: typeof seeds.directory === 'string' ? { directory: seeds.directory } : {},
    ignored,
  }
  debug('knexfile %s: environment=%s client=%s ignored=%o', file, used ?? '(flat)', result.client, ignored)
  return result
}

function migrationSettings(migrations: Record<string, unknown>, name: string): Knexfile['migrations'] {
  if (migrations.migrationSource !== undefined) {
    throw new KitError(
      'KIT_MIGRATE_KNEXFILE_INVALID',
      `${name} sets migrations.migrationSource, which kit does not run: kit lists and loads the files itself (to check them before applying). Point migrations.directory at the files instead.`,
    )
  }
  const settings: Knexfile['migrations'] = {}
  let directory = migrations.directory
  // knex accepts several directories; kit keeps one history per folder.
  if (Array.isArray(directory)) {
    if (directory.length !== 1) {
      throw new KitError(
        'KIT_MIGRATE_KNEXFILE_INVALID',
        `${name} lists ${directory.length} migrations directories; kit reads one. Move the migrations into one folder, or set kit.config \`migrations.directory\`.`,
      )
    }
    directory = directory[0]
  }
  for (const [key, value] of [
    ['directory', directory],
    ['tableName', migrations.tableName],
    ['schemaName', migrations.schemaName],
  ] as const) {
    if (value === undefined) continue
    if (typeof value !== 'string' || value === '') {
      throw new KitError(
        'KIT_MIGRATE_KNEXFILE_INVALID',
        `${name} sets migrations.${key} to ${typeof value}; expected a string.`,
      )
    }
    settings[key] = value
  }
  const extensions = migrations.loadExtensions
  if (extensions !== undefined) {
    if (!Array.isArray(extensions) || extensions.some((ext) => typeof ext !== 'string')) {
      throw new KitError(
        'KIT_MIGRATE_KNEXFILE_INVALID',
        `${name} sets migrations.loadExtensions to something other than a list of extensions, e.g. ['.js'].`,
      )
    }
    settings.loadExtensions = extensions as string[]
  }
  return settings
}

function clientName(client: unknown, name: string): string | undefined {
  if (client === undefined) return undefined
  if (typeof client === 'string') return client
  // knex also takes a Client class: its name is all kit can check.
  if (typeof client === 'function') return (client as { name?: string }).name || 'custom client'
  throw new KitError(
    'KIT_MIGRATE_KNEXFILE_INVALID',
    `${name} sets client to ${typeof client}; expected a name such as 'pg'.`,
  )
}

async function connectionOf(connection: unknown, name: string): Promise<Knexfile['connection']> {
  // knex calls a connection function for every new connection; kit reads it once, to know where to connect.
  const value = typeof connection === 'function' ? await (connection as () => unknown)() : connection
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string') return value
  return asObject(value, name, 'connection')
}

function asObject(value: unknown, name: string, what: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>
  throw new KitError(
    'KIT_MIGRATE_KNEXFILE_INVALID',
    `${name}: \`${what}\` is ${Array.isArray(value) ? 'a list' : typeof value}; expected an object as knex documents (\`module.exports = { client, connection, migrations }\`).`,
  )
}
