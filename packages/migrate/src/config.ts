import type { ReleaseOptions } from './release.ts'

/**
 * The `migrations` part of kit.config, read by `kit release`, `kit migrate`
 * and `kit db`: every release option except the connection, which the CLI
 * makes from DATABASE_URL. Paths are relative to the app root.
 *
 * ```ts
 * export default defineConfig({ migrations: { directory: 'db/migrations', lockTimeoutMs: 3000, backup: { keep: 3 } } })
 * ```
 */
export type MigrationsConfig = Omit<ReleaseOptions, 'knex' | 'log' | 'reporter' | 'cwd' | 'lockFile'>
