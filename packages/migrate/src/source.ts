import type { Dirent } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { KitError } from '@kit/internal'
import type { Knex } from 'knex'
import { guessTool, isIgnored, otherToolsSql } from './foreign.ts'
import { importModule } from './import-module.ts'
import { hasSqlMarkers, parseSqlMigration } from './sql-migration.ts'

/** A migration file found in the migrations directory (not loaded yet). */
export interface MigrationFile {
  /** File name, as knex records it (`20240101120000_create_users.ts`). */
  name: string
  /** The name without its extension: `x.ts` and its compiled `x.js` are one migration. */
  key: string
  path: string
}

/** What a migration file may export (knex's format plus kit's own settings). */
export interface MigrationModule {
  up(knex: Knex): Promise<unknown> | unknown
  down?(knex: Knex): Promise<unknown> | unknown
  /** knex's per-migration config: `{ transaction: false }` for CREATE INDEX CONCURRENTLY. */
  config?: { transaction?: boolean }
  kit?: MigrationSettings
}

/** `export const kit = { ... }` in a migration file. */
export interface MigrationSettings {
  /** Unsafe-operation rules reviewed and accepted for this migration, e.g. `['add-index-non-concurrently']`. */
  acknowledge?: readonly string[]
  /** Overrides the release's lockTimeoutMs for this migration. */
  lockTimeoutMs?: number
  /** Overrides the release's statementTimeoutMs for this migration (0: none). */
  statementTimeoutMs?: number
}

/** A migration file with its module loaded and checked. */
export interface LoadedMigration extends MigrationFile {
  module: MigrationModule
  transaction: boolean
  settings: MigrationSettings
}

const SCRIPT = /\.(?:[cm]?js|[cm]?ts)$/
const EXTENSION = /\.(?:[cm]?js|[cm]?ts|sql)$/

export function migrationKey(name: string): string {
  return name.replace(EXTENSION, '')
}

/**
 * Lists migration files in name order (the timestamp prefix orders them):
 * knex's JS/TS modules and kit's `.sql` files (sql-migration.ts). Any other
 * file is refused by name, with the tool it looks written for: skipping it
 * would report "up to date" on a database its migrations never touched.
 * A missing folder is an error only when `required` (a configured directory);
 * otherwise it means "no migrations" and the list is empty.
 */
export async function listMigrations(
  directory: string,
  options: { required?: boolean; loadExtensions?: readonly string[] | undefined } = { required: true },
): Promise<MigrationFile[]> {
  let entries: Dirent[]
  try {
    entries = await readdir(directory, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (!options.required) return []
      throw new KitError(
        'KIT_MIGRATE_DIRECTORY_NOT_FOUND',
        `The migrations directory ${directory} does not exist. Create it with \`kit migrate make <name>\`, or set \`directory\` to where your migrations are.`,
      )
    }
    throw error
  }
  const files: MigrationFile[] = []
  const foreign: string[] = []
  for (const entry of entries) {
    const name = entry.name
    if (entry.isDirectory() || isIgnored(name)) continue
    // knex's loadExtensions: the user said which files are migrations, so the rest (the .ts sources
    // of compiled .js migrations, say) are not ours to judge.
    if (options.loadExtensions && !options.loadExtensions.includes(extname(name).toLowerCase())) continue
    const path = join(directory, name)
    const loadable =
      SCRIPT.test(name) ||
      (/\.sql$/i.test(name) && !otherToolsSql(name) && hasSqlMarkers(await readFile(path, 'utf8')))
    if (loadable) files.push({ name, key: migrationKey(name), path })
    else foreign.push(name)
  }
  if (foreign.length > 0) throw foreignFiles(directory, foreign.sort())
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const seen = new Map<string, string>()
  for (const file of files) {
    const other = seen.get(file.key)
    if (other) {
      throw new KitError(
        'KIT_MIGRATE_DUPLICATE_MIGRATION',
        `${other} and ${file.name} in ${directory} are the same migration (names match without the extension). Keep one of them.`,
      )
    }
    seen.set(file.key, file.name)
  }
  return files
}

function foreignFiles(directory: string, names: string[]): KitError {
  const byTool = new Map<string, string[]>()
  for (const name of names) byTool.set(guessTool(name), [...(byTool.get(guessTool(name)) ?? []), name])
  const list = [...byTool]
    .map(
      ([tool, files]) =>
        `  - ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}: ${tool}`,
    )
    .join('\n')
  return new KitError(
    'KIT_MIGRATE_FOREIGN_FILES',
    `${names.length} file(s) in ${directory} are not migrations kit can load, so nothing was applied (skipping them would report an up-to-date database their migrations never touched):\n${list}\nkit runs knex migrations (.js/.ts) and .sql files with a \`-- migrate:up\` line (then, optionally, \`-- migrate:down\`). Convert these (one file per migration, up and down sections), or move what is not a migration out of the folder.`,
    { details: { files: names } },
  )
}

export async function loadMigration(file: MigrationFile): Promise<LoadedMigration> {
  if (/\.sql$/i.test(file.name)) {
    const parsed = parseSqlMigration(file.name, await readFile(file.path, 'utf8'))
    return { ...file, ...parsed, settings: parseSettings(file, parsed.settings) }
  }
  let exported: Record<string, unknown>
  try {
    exported = await importModule(file.path)
  } catch (error) {
    const message = (error as Error).message
    throw new KitError(
      'KIT_MIGRATE_INVALID_MIGRATION',
      `Migration ${file.name} could not be loaded: ${message}${loadHint(file.name, message)}`,
      { cause: error },
    )
  }
  // CommonJS `module.exports = { up, down }` and `export default { up, down }` both land on default.
  const fallback = (exported.default ?? {}) as Record<string, unknown>
  const pick = (key: string) => exported[key] ?? fallback[key]
  const up = pick('up')
  const down = pick('down')
  if (typeof up !== 'function') {
    throw new KitError(
      'KIT_MIGRATE_INVALID_MIGRATION',
      `Migration ${file.name} exports no up() function. Add \`export async function up(knex) { ... }\`.`,
    )
  }
  if (down !== undefined && typeof down !== 'function') {
    throw invalid(file, '`down` must be a function')
  }
  const config = pick('config') as MigrationModule['config']
  if (config !== undefined && (typeof config !== 'object' || config === null)) {
    throw invalid(file, '`config` must be an object such as `{ transaction: false }`')
  }
  if (config?.transaction !== undefined && typeof config.transaction !== 'boolean') {
    throw invalid(file, '`config.transaction` must be true or false')
  }
  const settings = parseSettings(file, pick('kit'))
  const module: MigrationModule = { up: up as MigrationModule['up'] }
  if (down) module.down = down as MigrationModule['down']
  if (config) module.config = config
  return { ...file, module, transaction: config?.transaction !== false, settings }
}

function parseSettings(file: MigrationFile, value: unknown): MigrationSettings {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) throw invalid(file, '`kit` must be an object')
  const settings = value as Record<string, unknown>
  for (const key of Object.keys(settings)) {
    if (!['acknowledge', 'lockTimeoutMs', 'statementTimeoutMs'].includes(key)) {
      throw invalid(
        file,
        `\`kit.${key}\` is not a setting (use acknowledge, lockTimeoutMs, statementTimeoutMs)`,
      )
    }
  }
  const ack = settings.acknowledge
  if (ack !== undefined && (!Array.isArray(ack) || ack.some((rule) => typeof rule !== 'string'))) {
    throw invalid(file, "`kit.acknowledge` must be a list of rule names, e.g. ['add-index-non-concurrently']")
  }
  for (const key of ['lockTimeoutMs', 'statementTimeoutMs'] as const) {
    const n = settings[key]
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) {
      throw invalid(file, `\`kit.${key}\` must be a whole number of milliseconds (0 disables)`)
    }
  }
  return settings as MigrationSettings
}

function invalid(file: MigrationFile, problem: string): KitError {
  return new KitError('KIT_MIGRATE_INVALID_MIGRATION', `Migration ${file.name}: ${problem}.`)
}

/** What to do about the load errors a module-type mismatch gives (`kit migrate make` writes the project's type). */
function loadHint(name: string, message: string): string {
  if (/Unexpected token 'export'|Cannot use import statement outside a module/.test(message)) {
    return `. It uses ESM syntax (export/import) but Node loads ${name} as CommonJS: rename it to .mjs, add "type": "module" to package.json, or write it as CommonJS (\`exports.up = async function (knex) {...}\`).`
  }
  if (/(?:require|exports|module) is not defined in ES module scope/.test(message)) {
    return `. It uses CommonJS (require/exports) but Node loads ${name} as ESM: rename it to .cjs, or use \`export async function up(knex)\`.`
  }
  return ''
}
