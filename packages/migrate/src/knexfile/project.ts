import { basename } from 'node:path'
import type { MigrationsConfig } from '../config.ts'
import { findKnexfile, type Knexfile, loadKnexfile } from './load.ts'
import { mergeKnexfileSettings } from './merge.ts'

/** An app's migration settings: kit.config's `migrations`, with its knexfile's filled in. */
export interface ProjectMigrations {
  settings: MigrationsConfig
  /** Lines for the user: settings both files set differently, knexfile settings kit does not use. */
  notices: string[]
  /** The knexfile read, when the app has one. */
  knexfile: Knexfile | undefined
}

/**
 * What `kit release`, `kit migrate`, `kit db` and `kit doctor` all read, so
 * they agree on the folder, the history table and its schema. `environment`
 * is NODE_ENV (knex's CLI: `development` when unset).
 */
export async function projectMigrations(
  appRoot: string,
  fromKitConfig: MigrationsConfig,
  environment: string | undefined,
): Promise<ProjectMigrations> {
  const file = findKnexfile(appRoot)
  if (!file) return { settings: fromKitConfig, notices: [], knexfile: undefined }
  const knexfile = await loadKnexfile(file, environment || 'development')
  const merged = mergeKnexfileSettings(fromKitConfig, knexfile)
  const notices = [...merged.conflicts]
  if (knexfile.ignored.length > 0) {
    notices.push(
      `${basename(file)}: kit does not use ${knexfile.ignored.join(', ')} (pool and timeouts come from kit.config \`database\` and \`migrations\`).`,
    )
  }
  return { settings: merged.settings, notices, knexfile }
}
