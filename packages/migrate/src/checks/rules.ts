import type { SqlFamily } from '../dialect.ts'

export interface RuleText {
  title: string
  /** Why it hurts, and the safe way, per SQL family. A family without text is not checked for that rule. */
  postgres?: string
  mysql?: string
}

/**
 * What strong_migrations does for Rails: operations that lock or rewrite a
 * big table, or break the code still running during a rolling deploy, each
 * with the safe recipe. Names are stable: migrations acknowledge them.
 */
export type UnsafeRule =
  | 'add-column-volatile-default'
  | 'set-not-null'
  | 'add-index-non-concurrently'
  | 'change-column-type'
  | 'rename-column'
  | 'rename-table'
  | 'drop-column'
  | 'drop-table'
  | 'add-foreign-key'
  | 'add-check-constraint'
  | 'add-unique-constraint'

export const UNSAFE_RULES: Readonly<Record<UnsafeRule, RuleText>> = {
  'add-column-volatile-default': {
    title: 'adding a column with a volatile default',
    postgres:
      'A volatile default (random(), gen_random_uuid(), clock_timestamp(), a serial or identity, a stored generated column) rewrites the whole table under an ACCESS EXCLUSIVE lock. Safe way: add the column without a default; `ALTER TABLE t ALTER COLUMN c SET DEFAULT ...` (applies to new rows only); backfill existing rows in batches in a later migration; then add NOT NULL the safe way (see set-not-null).',
    mysql:
      'An expression default (uuid(), rand(), ...), AUTO_INCREMENT or a stored generated column makes MySQL copy the table, blocking writes. Safe way: add the column as NULL with no default, set the default with `ALTER TABLE t ALTER COLUMN c SET DEFAULT ...`, backfill in batches.',
  },
  'set-not-null': {
    title: 'setting NOT NULL on an existing column',
    postgres:
      'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock. Safe way: `ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID;` then, in a later migration, `ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;` `ALTER TABLE t ALTER COLUMN c SET NOT NULL;` (Postgres 12+ uses the valid constraint and skips the scan) and `ALTER TABLE t DROP CONSTRAINT t_c_not_null;`.',
  },
  'add-index-non-concurrently': {
    title: 'creating an index without CONCURRENTLY on an existing table',
    postgres:
      'CREATE INDEX blocks every write to the table until the index is built. Safe way: a migration of its own with `export const config = { transaction: false }` running `knex.raw("CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON t (c)")`; if it fails it leaves an INVALID index: `DROP INDEX CONCURRENTLY IF EXISTS name` and release again.',
  },
  'change-column-type': {
    title: 'changing the type of a column',
    postgres:
      "Changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, and instances still running write the old type. Safe without a rewrite: varchar(n) to a larger n or to text, a numeric with more precision (knex's .alter() also emits a TYPE change when only the default or nullability changed: acknowledge if the type is the same). Otherwise: add a new column, write both from the code, backfill in batches, switch reads, drop the old column in a later release.",
    mysql:
      'MODIFY/CHANGE COLUMN with a new type, size or nullability copies the table and blocks writes. Append `, ALGORITHM=INPLACE, LOCK=NONE` so MySQL refuses instead of copying; for a real type change add a new column, backfill and switch, or use gh-ost / pt-online-schema-change.',
  },
  'rename-column': {
    title: 'renaming a column',
    postgres:
      'Instances still running the previous release query the old name and fail until they are replaced. Safe way: add the new column, write both from the code, backfill, switch reads to the new column, and drop the old one in a later release.',
    mysql:
      'Instances still running the previous release query the old name and fail until they are replaced. Safe way: add the new column, write both from the code, backfill, switch reads to the new column, and drop the old one in a later release.',
  },
  'rename-table': {
    title: 'renaming a table',
    postgres:
      'Instances still running the previous release query the old name and fail. Safe way: rename and create a view with the old name for the length of the deploy (`CREATE VIEW old AS SELECT * FROM new`, dropped in the next release), or copy to a new table, write both, backfill and switch.',
    mysql:
      'Instances still running the previous release query the old name and fail. Safe way: create the new table, write both from the code, backfill, switch reads, drop the old table in a later release.',
  },
  'drop-column': {
    title: 'dropping a column',
    postgres:
      'Instances still running the previous release (and ORMs that cached the column list) fail on the missing column. Safe way: first release code that no longer reads or writes it, then drop it in a later release; acknowledge here once that code is live.',
    mysql:
      'Instances still running the previous release (and ORMs that cached the column list) fail on the missing column, and MySQL rebuilds the table. Safe way: first release code that no longer uses it, then drop it in a later release; acknowledge here once that code is live.',
  },
  'drop-table': {
    title: 'dropping a table',
    postgres:
      'Instances still running the previous release fail on the missing table. Safe way: first release code that no longer uses it, then drop it in a later release; acknowledge here once that code is live.',
    mysql:
      'Instances still running the previous release fail on the missing table. Safe way: first release code that no longer uses it, then drop it in a later release; acknowledge here once that code is live.',
  },
  'add-foreign-key': {
    title: 'adding a foreign key without NOT VALID',
    postgres:
      'Adding a foreign key checks every existing row while blocking writes on both tables. Safe way: `ALTER TABLE t ADD CONSTRAINT t_c_fk FOREIGN KEY (c) REFERENCES u (id) NOT VALID;` then, in a later migration, `ALTER TABLE t VALIDATE CONSTRAINT t_c_fk;` (which lets writes continue). A `.references()` on a new column needs the same two steps.',
    mysql:
      'With foreign_key_checks on, MySQL copies the table to add a foreign key, blocking writes. Safe way: check the existing rows with a query, then `SET foreign_key_checks = 0;` `ALTER TABLE t ADD CONSTRAINT t_c_fk FOREIGN KEY (c) REFERENCES u (id), ALGORITHM=INPLACE, LOCK=NONE;` `SET foreign_key_checks = 1;`.',
  },
  'add-check-constraint': {
    title: 'adding a check constraint without NOT VALID',
    postgres:
      'Adding a CHECK constraint scans the table under an ACCESS EXCLUSIVE lock. Safe way: `ALTER TABLE t ADD CONSTRAINT name CHECK (...) NOT VALID;` then `ALTER TABLE t VALIDATE CONSTRAINT name;` in a later migration.',
    mysql:
      'MySQL 8.0.16+ and MariaDB check every existing row when a CHECK constraint is added, copying the table. There is no NOT VALID: enforce the rule in the code first and add the constraint with gh-ost / pt-online-schema-change, or in a quiet window.',
  },
  'add-unique-constraint': {
    title: 'adding a unique constraint without an index built concurrently',
    postgres:
      'ADD CONSTRAINT ... UNIQUE builds its index while blocking writes. Safe way: `CREATE UNIQUE INDEX CONCURRENTLY t_c_unique ON t (c)` in a migration with `export const config = { transaction: false }`, then `ALTER TABLE t ADD CONSTRAINT t_c_unique UNIQUE USING INDEX t_c_unique;` (instant).',
  },
}

export const UNSAFE_RULE_NAMES: readonly UnsafeRule[] = Object.keys(UNSAFE_RULES) as UnsafeRule[]

/** One unsafe operation found in a pending migration. */
export interface Finding {
  migration: string
  rule: UnsafeRule
  /** The table it touches, when known. */
  table?: string
  /** The SQL statement, shortened for display. */
  statement: string
  /** One line: what and where. */
  message: string
  /** Why it is unsafe and the safe way to do it. */
  recipe: string
  acknowledged: boolean
  /** `migration`: listed in its `kit.acknowledge`; `baseline`: in the reviewed baseline file. */
  acknowledgedBy?: 'migration' | 'baseline'
}

export function recipeFor(rule: UnsafeRule, family: SqlFamily): string | undefined {
  const text = UNSAFE_RULES[rule]
  return family === 'mysql' ? text.mysql : text.postgres
}
