import type { BackupManifest } from './manifest.ts'

/** What a dialect's dump step learned, for the manifest. */
export interface DumpResult {
  database: string
  tables: Record<string, number>
  migrations: BackupManifest['migrations']
  consistent: boolean
  tool: string
}

/** A restored scratch copy: knex connection settings to read it, and how to drop it. */
export interface ScratchRestore {
  connection: Record<string, unknown> | string
  drop(): Promise<void>
}
