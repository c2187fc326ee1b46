import { KitError } from '@kit/internal'
import type { Knex } from 'knex'
import { splitStatements } from './checks/sql.ts'
import type { MigrationModule, MigrationSettings } from './source.ts'

/**
 * Plain `.sql` migrations, run natively with the same lock, timeouts and
 * unsafe-operation checks as JS ones. One file holds both directions, marked
 * the way dbmate and node-pg-migrate's SQL mode mark them:
 *
 * ```sql
 * -- migrate:up transaction:false     (or: -- Up Migration)
 * CREATE INDEX CONCURRENTLY ...;
 * -- migrate:down                     (or: -- Down Migration)
 * DROP INDEX CONCURRENTLY ...;
 * -- kit:acknowledge add-index-non-concurrently   (optional; also kit:lockTimeoutMs, kit:statementTimeoutMs)
 * ```
 *
 * Statements run one at a time (a multi-statement string is one implicit
 * transaction on Postgres, where CREATE INDEX CONCURRENTLY cannot run).
 */
const UP = /^--\s*(?:migrate:up\b(.*)|up migration\s*)$/i
const DOWN = /^--\s*(?:migrate:down\b(.*)|down migration\s*)$/i
const KIT = /^--\s*kit:(\w+)\s+(.+)$/

/** True when the text has an up marker, so it is a migration kit runs (and not a dump or a seed). */
export function hasSqlMarkers(text: string): boolean {
  return text.split(/\r?\n/).some((line) => UP.test(line.trim()))
}

export function parseSqlMigration(
  name: string,
  text: string,
): { module: MigrationModule; transaction: boolean; settings: MigrationSettings } {
  const sections: Record<'up' | 'down', string[] | undefined> = { up: undefined, down: undefined }
  let current: 'up' | 'down' | undefined
  let transaction = true
  const settings: Record<string, unknown> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    const up = UP.exec(line)
    const down = DOWN.exec(line)
    const kit = KIT.exec(line)
    if (up || down) {
      current = up ? 'up' : 'down'
      if (sections[current]) throw invalid(name, `it has two \`-- migrate:${current}\` sections`)
      sections[current] = []
      const options = (up?.[1] ?? down?.[1] ?? '').trim()
      // dbmate's option; it applies to both directions here (kit runs one transaction mode per migration).
      if (/\btransaction:false\b/i.test(options)) transaction = false
      else if (options && !/^transaction:true$/i.test(options))
        throw invalid(name, `unknown option "${options}"`)
    } else if (kit) {
      settings[kit[1]!] = parseSetting(name, kit[1]!, kit[2]!.trim())
    } else if (current) {
      sections[current]!.push(raw)
    } else if (line && !line.startsWith('--')) {
      throw invalid(name, 'it has SQL before its `-- migrate:up` line')
    }
  }
  const upSql = splitStatements(sections.up?.join('\n') ?? '')
  if (upSql.length === 0) throw invalid(name, 'its `-- migrate:up` section has no statement')
  const module: MigrationModule = { up: (knex: Knex) => runAll(knex, upSql) }
  if (sections.down) {
    const downSql = splitStatements(sections.down.join('\n'))
    module.down = (knex: Knex) => runAll(knex, downSql)
  }
  if (!transaction) module.config = { transaction: false }
  return { module, transaction, settings: settings as MigrationSettings }
}

async function runAll(knex: Knex, statements: readonly string[]): Promise<void> {
  // knex numbers `?` as a bind parameter on Postgres ($1); a `?` in the file (jsonb operators) is SQL.
  const postgres = /postgres/i.test(String((knex.client as { dialect?: string }).dialect))
  for (const statement of statements) await knex.raw(postgres ? statement.replace(/\?/g, '\\?') : statement)
}

function parseSetting(name: string, key: string, value: string): unknown {
  if (key === 'acknowledge') return value.split(/[\s,]+/).filter(Boolean)
  if (key === 'lockTimeoutMs' || key === 'statementTimeoutMs') {
    if (!/^\d+$/.test(value)) throw invalid(name, `\`-- kit:${key}\` must be a whole number of milliseconds`)
    return Number(value)
  }
  throw invalid(
    name,
    `\`-- kit:${key}\` is not a setting (use kit:acknowledge, kit:lockTimeoutMs, kit:statementTimeoutMs)`,
  )
}

function invalid(name: string, problem: string): KitError {
  return new KitError(
    'KIT_MIGRATE_INVALID_MIGRATION',
    `SQL migration ${name}: ${problem}. A .sql migration holds \`-- migrate:up\` then its statements, and optionally \`-- migrate:down\` and its statements.`,
  )
}
