import { KitError } from '@kit/internal'
import type { AppliedMigration } from './history.ts'
import { type MigrationFile, migrationKey } from './source.ts'

export type MigrationState = 'applied' | 'pending' | 'missing'

/** One line of `kit migrate status`. */
export interface MigrationStatus {
  name: string
  state: MigrationState
  batch?: number
  appliedAt?: Date
}

export interface Plan {
  /** Files and history merged, in file order; missing ones (history without a file) last. */
  migrations: MigrationStatus[]
  pending: MigrationFile[]
  applied: AppliedMigration[]
  /** Applied migrations whose files are gone. */
  missing: AppliedMigration[]
  lastBatch: number
}

/** Matches files and history by name without extension, so compiled .js and source .ts are one migration. */
export function makePlan(files: MigrationFile[], applied: AppliedMigration[]): Plan {
  const appliedByKey = new Map(applied.map((row) => [migrationKey(row.name), row]))
  const fileKeys = new Set(files.map((file) => file.key))
  const migrations: MigrationStatus[] = []
  const pending: MigrationFile[] = []
  for (const file of files) {
    const row = appliedByKey.get(file.key)
    if (row) {
      const entry: MigrationStatus = { name: file.name, state: 'applied', batch: row.batch }
      if (row.appliedAt) entry.appliedAt = row.appliedAt
      migrations.push(entry)
    } else {
      migrations.push({ name: file.name, state: 'pending' })
      pending.push(file)
    }
  }
  const missing = applied.filter((row) => !fileKeys.has(migrationKey(row.name)))
  for (const row of missing) {
    const entry: MigrationStatus = { name: row.name, state: 'missing', batch: row.batch }
    if (row.appliedAt) entry.appliedAt = row.appliedAt
    migrations.push(entry)
  }
  const lastBatch = applied.reduce((max, row) => Math.max(max, row.batch), 0)
  return { migrations, pending, applied, missing, lastBatch }
}

export function assertNoMissing(plan: Plan, directory: string): void {
  if (plan.missing.length === 0) return
  const names = plan.missing.map((row) => row.name).join(', ')
  throw new KitError(
    'KIT_MIGRATE_MISSING_FILES',
    `The database has applied migrations that are not in ${directory}: ${names}. This code is older than the schema: deploy the code that has them, or roll them back with it (\`kit migrate down\`) first.`,
  )
}
