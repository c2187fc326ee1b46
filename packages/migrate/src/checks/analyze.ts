import type { SqlFamily } from '../dialect.ts'
import type { UnsafeRule } from './rules.ts'
import { bareName, IDENT, normalise, splitActions } from './sql.ts'

/** An unsafe operation in one statement, before it is tied to a migration. */
export interface Hit {
  rule: UnsafeRule
  table: string
}

const CREATE_TABLE = new RegExp(
  `^create (?:(?:global |local )?(?:temporary|temp|unlogged) )?table (?:if not exists )?(${IDENT})`,
)
const CREATE_INDEX = new RegExp(
  `^create (?:unique )?index (concurrently )?(?:if not exists )?(?:${IDENT} )?on (?:only )?(${IDENT})`,
)
const ALTER_TABLE = new RegExp(`^alter table (?:if exists )?(?:only )?(${IDENT}) (.*)$`)
const DROP_TABLE = /^drop table (?:if exists )?(.*?)(?: cascade| restrict)?$/
const RENAME_TABLE_MYSQL = new RegExp(`^rename table (${IDENT}) to`)

const PG_VOLATILE_DEFAULT =
  /\bdefault\b.*\b(?:random|gen_random_uuid|uuid_generate_v[14](?:mc)?|clock_timestamp|timeofday|nextval|txid_current)\s*\(|\b(?:small|big)?serial\b|\bgenerated\b.*\bstored\b|\bgenerated (?:always|by default) as identity\b/
const MYSQL_VOLATILE_DEFAULT = /\bdefault \(.*\w\s*\(|\bauto_increment\b|\bas \(.*\) stored\b/
const NOT_A_COLUMN =
  /^(?:constraint|index|key|foreign|primary|check|partition|unique|fulltext|spatial|period|system)\b/

/**
 * Reads one SQL statement and returns the unsafe operations in it. Tables
 * in `created` were made earlier in the same release: they are empty and
 * unused, so nothing done to them is unsafe. CREATE TABLE adds to it.
 */
export function analyseStatement(statement: string, family: SqlFamily, created: Set<string>): Hit[] {
  const sql = normalise(statement)
  const isNew = (table: string) => created.has(table)
  let m = CREATE_TABLE.exec(sql)
  if (m) {
    created.add(bareName(m[1]!))
    return []
  }
  m = CREATE_INDEX.exec(sql)
  if (m) {
    const table = bareName(m[2]!)
    if (family === 'postgres' && !m[1] && !isNew(table))
      return [{ rule: 'add-index-non-concurrently', table }]
    return []
  }
  m = DROP_TABLE.exec(sql)
  if (m) {
    return m[1]!
      .split(',')
      .map((name) => bareName(name.trim()))
      .filter((table) => table && !isNew(table))
      .map((table) => ({ rule: 'drop-table', table }))
  }
  m = RENAME_TABLE_MYSQL.exec(sql)
  if (m) {
    const table = bareName(m[1]!)
    return isNew(table) ? [] : [{ rule: 'rename-table', table }]
  }
  m = ALTER_TABLE.exec(sql)
  if (m) {
    const table = bareName(m[1]!)
    if (isNew(table)) return []
    const rules = splitActions(m[2]!).flatMap((action) =>
      family === 'postgres' ? postgresAction(action) : mysqlAction(action),
    )
    return [...new Set(rules)].map((rule) => ({ rule, table }))
  }
  return []
}

function postgresAction(action: string): UnsafeRule[] {
  const constraint = /^add (?:constraint \S+ )?(foreign key|unique|check)\b/.exec(action)
  if (constraint) {
    const kind = constraint[1]
    const notValid = /\bnot valid\b/.test(action)
    if (kind === 'foreign key') return notValid ? [] : ['add-foreign-key']
    if (kind === 'check') return notValid ? [] : ['add-check-constraint']
    return /\busing index\b/.test(action) ? [] : ['add-unique-constraint']
  }
  if (/^add (?:constraint |primary key|exclude)/.test(action)) return []
  if (/^add /.test(action)) {
    const rules: UnsafeRule[] = []
    if (PG_VOLATILE_DEFAULT.test(action)) rules.push('add-column-volatile-default')
    if (/\breferences\b/.test(action)) rules.push('add-foreign-key')
    if (/\bunique\b/.test(action)) rules.push('add-unique-constraint')
    if (/\bcheck\s*\(/.test(action)) rules.push('add-check-constraint')
    return rules
  }
  if (new RegExp(String.raw`^alter (?:column )?${IDENT} (?:set data )?type\b`).test(action)) {
    return ['change-column-type']
  }
  if (new RegExp(String.raw`^alter (?:column )?${IDENT} set not null\b`).test(action)) return ['set-not-null']
  if (/^rename to\b/.test(action)) return ['rename-table']
  if (/^rename (?!constraint\b)/.test(action)) return ['rename-column']
  if (/^drop (?!constraint\b)/.test(action)) return ['drop-column']
  return []
}

function mysqlAction(action: string): UnsafeRule[] {
  if (/^add (?:constraint \S+ )?foreign key\b/.test(action)) return ['add-foreign-key']
  if (/^add (?:constraint \S+ )?check\b/.test(action)) return ['add-check-constraint']
  if (/^add (?:constraint|index|key|unique|fulltext|spatial|primary)\b/.test(action)) return []
  if (/^add /.test(action)) return MYSQL_VOLATILE_DEFAULT.test(action) ? ['add-column-volatile-default'] : []
  if (/^modify /.test(action)) return ['change-column-type']
  const change = new RegExp(`^change (?:column )?(${IDENT}) (${IDENT})`).exec(action)
  if (change)
    return bareName(change[1]!) === bareName(change[2]!) ? ['change-column-type'] : ['rename-column']
  if (/^rename (?:to|as)\b/.test(action)) return ['rename-table']
  if (/^rename (?:column )/.test(action)) return ['rename-column']
  if (/^rename (?!index\b|key\b)/.test(action)) return ['rename-table']
  const drop = /^drop (?:column )?(?:if exists )?(.*)$/.exec(action)
  if (drop && !NOT_A_COLUMN.test(drop[1]!)) return ['drop-column']
  return []
}
