import { basename } from 'node:path'
import { KitError } from '@kit/internal'
import { type Dialect, sqlFamily } from '../dialect.ts'
import { type LoadedMigration, loadMigration, type MigrationFile, migrationKey } from '../source.ts'
import { closest } from '../suggest.ts'
import { analyseStatement } from './analyze.ts'
import { fileDigest, type ReviewedBaseline, readBaseline } from './baseline.ts'
import { recordStatements } from './recorder.ts'
import { type Finding, recipeFor, UNSAFE_RULE_NAMES, UNSAFE_RULES, type UnsafeRule } from './rules.ts'
import { shorten } from './sql.ts'

export interface CheckOptions {
  /** Which SQL the migrations are compiled to and checked against. @default 'postgres' */
  dialect?: Dialect
  /** The reviewed baseline, or the path of its JSON file. @default none */
  baseline?: string | ReviewedBaseline
}

export interface CheckResult {
  /** Every unsafe operation found, acknowledged or not, in migration order. */
  findings: Finding[]
  /** The findings that block a release. */
  unacknowledged: Finding[]
  /** Migrations whose up() could not be run against the recorder (it read data it expected); check them by hand. */
  notChecked: { migration: string; reason: string }[]
}

/**
 * Finds unsafe operations in migrations (in the order given: a table created
 * by an earlier one counts as new). Each migration's up() is compiled to SQL
 * without touching a database, then every statement is read against the
 * rules in UNSAFE_RULES.
 */
export async function checkMigrations(
  migrations: readonly (string | MigrationFile | LoadedMigration)[],
  options: CheckOptions = {},
): Promise<CheckResult> {
  const family = sqlFamily(options.dialect ?? 'postgres')
  const baseline =
    typeof options.baseline === 'string'
      ? await readBaseline(options.baseline)
      : (options.baseline ?? new Map())
  const created = new Set<string>()
  const findings: Finding[] = []
  const notChecked: CheckResult['notChecked'] = []
  for (const entry of migrations) {
    const migration = await load(entry)
    const acknowledged = acknowledgedRules(migration)
    const reviewed =
      baseline.get(migration.name) === (await fileDigest(migration.path).catch(() => undefined))
    let statements: string[]
    try {
      statements = await recordStatements(migration.module, family)
    } catch (error) {
      notChecked.push({ migration: migration.name, reason: (error as Error).message ?? String(error) })
      continue
    }
    // Tables made by a reviewed (old, already shipped) migration are not new, even when a fresh
    // database (CI) has every migration pending.
    const tablesMadeHere = reviewed ? new Set(created) : created
    for (const statement of statements) {
      for (const hit of analyseStatement(statement, family, tablesMadeHere)) {
        const recipe = recipeFor(hit.rule, family)
        if (!recipe) continue
        const finding: Finding = {
          migration: migration.name,
          rule: hit.rule,
          table: hit.table,
          statement: shorten(statement),
          message: `${migration.name}: ${UNSAFE_RULES[hit.rule].title} (${hit.table})`,
          recipe,
          acknowledged: false,
        }
        if (acknowledged.has(hit.rule)) {
          finding.acknowledged = true
          finding.acknowledgedBy = 'migration'
        } else if (reviewed) {
          finding.acknowledged = true
          finding.acknowledgedBy = 'baseline'
        }
        findings.push(finding)
      }
    }
  }
  return { findings, unacknowledged: findings.filter((f) => !f.acknowledged), notChecked }
}

async function load(entry: string | MigrationFile | LoadedMigration): Promise<LoadedMigration> {
  if (typeof entry === 'string') {
    const name = basename(entry)
    return loadMigration({ name, key: migrationKey(name), path: entry })
  }
  return 'module' in entry ? entry : loadMigration(entry)
}

function acknowledgedRules(migration: LoadedMigration): Set<UnsafeRule> {
  const rules = new Set<UnsafeRule>()
  for (const rule of migration.settings.acknowledge ?? []) {
    if (!(UNSAFE_RULE_NAMES as readonly string[]).includes(rule)) {
      const guess = closest(rule, UNSAFE_RULE_NAMES)
      throw new KitError(
        'KIT_MIGRATE_INVALID_MIGRATION',
        `Migration ${migration.name} acknowledges "${rule}", which is not a rule.${guess ? ` Did you mean "${guess}"?` : ''} Rules: ${UNSAFE_RULE_NAMES.join(', ')}.`,
      )
    }
    rules.add(rule as UnsafeRule)
  }
  return rules
}
