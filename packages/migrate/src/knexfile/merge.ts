import { basename, normalize } from 'node:path'
import type { MigrationsConfig } from '../config.ts'
import type { Knexfile } from './load.ts'

/** kit.config's `migrations` with the knexfile's settings filled in, and what disagreed. */
export interface KnexfileMerge {
  settings: MigrationsConfig
  /** One line per setting both files set differently: kit.config's value is used. */
  conflicts: string[]
}

const CARRIED = ['directory', 'tableName', 'schemaName', 'loadExtensions'] as const

/**
 * kit.config wins: it is the file kit owns and the one `kit init` writes, so
 * a setting there is a deliberate choice; the knexfile fills in what kit.config
 * leaves unset (so `knex migrate:*` and `kit migrate` keep reading one history).
 * A setting both define differently is kept from kit.config and reported.
 */
export function mergeKnexfileSettings(kitConfig: MigrationsConfig, knexfile: Knexfile): KnexfileMerge {
  const settings: MigrationsConfig = { ...kitConfig }
  const conflicts: string[] = []
  const where = `${basename(knexfile.file)}${knexfile.environment ? ` (${knexfile.environment})` : ''}`
  for (const key of CARRIED) {
    const fromKnexfile = knexfile.migrations[key]
    if (fromKnexfile === undefined) continue
    const fromKit = kitConfig[key]
    if (fromKit === undefined) {
      ;(settings as Record<string, unknown>)[key] = fromKnexfile
      continue
    }
    if (!same(key, fromKit, fromKnexfile)) {
      conflicts.push(
        `migrations.${key} is ${JSON.stringify(fromKit)} in kit.config but ${JSON.stringify(fromKnexfile)} in ${where}: using kit.config's. Remove one of them so knex and kit agree.`,
      )
    }
  }
  return { settings, conflicts }
}

function same(key: (typeof CARRIED)[number], a: unknown, b: unknown): boolean {
  if (key === 'directory')
    return normalize(String(a)).replace(/[/\\]+$/, '') === normalize(String(b)).replace(/[/\\]+$/, '')
  if (key === 'loadExtensions') return JSON.stringify(a) === JSON.stringify(b)
  return a === b
}
