export const errors = {
  KIT_MIGRATE_INVALID_OPTION: {
    when: 'An option passed to release(), a migrate command, backup() or verifyBackup() has a wrong type or value.',
    fix: 'Fix the option the message names; every option is optional except `knex` and has a documented default.',
  },
  KIT_MIGRATE_UNSUPPORTED_DATABASE: {
    when: 'The knex instance uses a client other than pg, mysql/mysql2 or knex-pglite.',
    fix: 'Use PostgreSQL (pg), MySQL/MariaDB (mysql2) or the embedded PGlite (knex-pglite).',
  },
  KIT_MIGRATE_KNEXFILE_INVALID: {
    when: 'The app has a knexfile (knexfile.js/.cjs/.mjs/.ts) that could not be loaded, has no entry for the NODE_ENV environment, or sets something kit cannot honour (migrations.migrationSource, several migrations directories, a value of the wrong type).',
    fix: "Fix the file or the setting the message names (knex's own CLI reads the file the same way), or set NODE_ENV to an environment the knexfile defines. kit.config `migrations` settings take precedence over the knexfile.",
  },
  KIT_MIGRATE_CONNECT_FAILED: {
    when: 'The database did not answer a first query (wrong DATABASE_URL, server down, SSL refused).',
    fix: 'Check DATABASE_URL (host, port, database, credentials) and DATABASE_SSL; run `kit doctor` to test the connection.',
  },
  KIT_MIGRATE_LOCK_TIMEOUT: {
    when: 'Another release (or migrate command) held the release lock for longer than `waitForLockMs`.',
    fix: 'Wait for the other release to finish; if none is running, a lock file left by a dead process can be cleared with `kit migrate unlock`. Raise `waitForLockMs` for long migrations.',
  },
  KIT_MIGRATE_LOCKED: {
    when: '`kit migrate unlock` found the release lock held by a process that is still running.',
    fix: 'Let that release finish, or stop it first; `unlock` never takes a lock away from a live process unless forced.',
  },
  KIT_MIGRATE_LOCK_LOST: {
    when: 'The session holding the release lock died or was replaced between two migrations (database restart, network cut, pg_terminate_backend).',
    fix: 'Nothing after the lost lock was applied. Check `kit migrate status` (and `kit migrate resolve` if a migration is reported interrupted), then release again.',
  },
  KIT_MIGRATE_EARLIER_RELEASE_RUNNING: {
    when: 'A statement of an earlier, killed release (a backend tagged `kit release`) was still running on Postgres after `waitForLockMs`.',
    fix: 'Let it finish, or cancel it with `select pg_cancel_backend(<pid>)` (the message names the pid and the statement), then release again.',
  },
  KIT_MIGRATE_INTERRUPTED: {
    when: 'A release was killed (or lost its connection) while it ran a migration that cannot roll back (outside a transaction; on MySQL also one that had run a DDL statement, which commits by itself), so nobody knows how much of it took effect.',
    fix: 'Check the database. If its work is done (finish it by hand if needed) run `kit migrate resolve <name> --applied`; to have the next release run it again (it must be safe to re-run) run `kit migrate resolve <name> --retry`.',
  },
  KIT_MIGRATE_DIRECTORY_NOT_FOUND: {
    when: 'The migrations directory set with `directory` / `migrations.directory` does not exist (without that setting, a missing `migrations/` just means there are none).',
    fix: 'Create it (`kit migrate make <name>` does) or point `directory` / `migrations.directory` in kit.config at the right folder.',
  },
  KIT_MIGRATE_INVALID_MIGRATION: {
    when: 'A migration file could not be loaded (often ESM `export` syntax in a CommonJS project, or the reverse), or it exports no `up` function, or its `config`/`kit` export is malformed, or a .sql migration has no statement after `-- migrate:up`.',
    fix: 'Follow the hint in the message: for ESM in a CommonJS project rename the file to .mjs (or .ts), add "type": "module" to package.json, or use `exports.up = ...`; `kit migrate make` writes the form the project loads. Export `up(knex)` and `down(knex)`; optional `config = { transaction: false }` and `kit = { acknowledge: [...] }`.',
  },
  KIT_MIGRATE_FOREIGN_FILES: {
    when: "The migrations directory holds files kit cannot load as migrations (another tool's: postgrator, Flyway, golang-migrate, or .sql files without a `-- migrate:up` line); the message names them and the tool they look written for.",
    fix: 'Convert each to a knex migration (.js/.ts) or to one .sql file with `-- migrate:up` and `-- migrate:down` sections, or move files that are not migrations out of the folder. If another tool already applied them, record them in knex_migrations first (docs/releases.md) so they do not run twice.',
  },
  KIT_MIGRATE_DUPLICATE_MIGRATION: {
    when: 'Two files in the migrations directory have the same name apart from the extension (x.ts and x.js).',
    fix: 'Keep one of them: migrations are matched by name without extension, so a compiled copy must live elsewhere.',
  },
  KIT_MIGRATE_MISSING_FILES: {
    when: 'The database records migrations whose files are not in the migrations directory (code older than the schema).',
    fix: 'Deploy the code that contains those migrations, or roll them back with that code (`kit migrate down`) before deploying this version.',
  },
  KIT_MIGRATE_UNSAFE_MIGRATION: {
    when: 'A pending migration contains an operation that locks or rewrites a big table, or breaks the running code during a rolling deploy.',
    fix: 'Follow the recipe printed for each finding; if you have checked it is safe, add its rule to `export const kit = { acknowledge: [...] }` in that migration.',
  },
  KIT_MIGRATE_MIGRATION_FAILED: {
    when: 'A migration threw; a transactional migration was rolled back and nothing after it was applied.',
    fix: 'Fix the migration (the message has the database error) and release again. A migration run with `transaction: false` keeps the statements that ran before the error: make it safe to run twice.',
  },
  KIT_MIGRATE_TABLE_BUSY: {
    when: 'A migration kept timing out waiting for a table lock (`lockTimeoutMs`) after every retry.',
    fix: 'Find the long transaction holding the lock (pg_stat_activity / SHOW PROCESSLIST), retry at a quieter time, or raise `lockRetries`.',
  },
  KIT_MIGRATE_STATEMENT_TIMEOUT: {
    when: 'A statement of a migration ran longer than `statementTimeoutMs` and was cancelled.',
    fix: 'Batch the work (backfills in chunks), or raise the limit for that migration with `export const kit = { statementTimeoutMs: ... }`.',
  },
  KIT_MIGRATE_NOT_FOUND: {
    when: '`kit migrate to <name>` named a migration that is neither a file nor applied.',
    fix: 'Use a name from `kit migrate status` (with or without its extension).',
  },
  KIT_MIGRATE_NO_DOWN: {
    when: 'A migration being rolled back exports no `down` function.',
    fix: 'Add `export async function down(knex)` to the migration, or write a new migration that undoes it.',
  },
  KIT_MIGRATE_INVALID_NAME: {
    when: '`kit migrate make` got an empty name or one with characters other than letters, digits, `-` and `_`.',
    fix: 'Use a short snake_case description, e.g. `kit migrate make add_users_email_index`.',
  },
  KIT_MIGRATE_BACKUP_TOOL_MISSING: {
    when: 'pg_dump / pg_restore or mysqldump / mysql (mariadb-dump / mariadb) is not installed or not on PATH.',
    fix: 'Install the client tools (Debian: `apt-get install postgresql-client` or `mariadb-client`), or set `binDir` to their folder.',
  },
  KIT_MIGRATE_BACKUP_FAILED: {
    when: 'The dump tool exited with an error, or the backup could not be written.',
    fix: 'Read the tool output in the message; a "server version mismatch" needs a pg_dump at least as new as the server.',
  },
  KIT_MIGRATE_BACKUP_NOT_FOUND: {
    when: '`kit db verify` was given a path that is not a backup file.',
    fix: 'Pass a file written by `kit db backup` (its manifest `<file>.json` sits beside it); `kit db backup --list` shows them.',
  },
  KIT_MIGRATE_VERIFY_FAILED: {
    when: 'A backup did not restore, or the restored copy does not match its manifest (checksum, migrations table, row counts).',
    fix: 'Do not rely on that backup: take a new one and verify it. The message says which check failed.',
  },
} as const
