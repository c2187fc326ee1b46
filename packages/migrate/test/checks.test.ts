import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { writeBaseline } from '../src/checks/baseline.ts'
import { checkMigrations, type Finding, UNSAFE_RULES, type UnsafeRule } from '../src/index.ts'
import { listMigrations } from '../src/source.ts'
import { tempDir, writeProject } from './helpers.ts'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Checks one migration whose up() body is `body`, against the given SQL family. */
async function findingsOf(body: string, dialect: 'postgres' | 'mysql', head = ''): Promise<Finding[]> {
  const project = writeProject('check', {
    '001_change.js': `${head}\nexport async function up(knex) {\n${body}\n}`,
  })
  dirs.push(project.cwd)
  return (await checkMigrations([join(project.directory, '001_change.js')], { dialect })).findings
}

const rulesOf = (findings: Finding[]) => findings.map((f) => f.rule)

// Each rule, written the way people write it: knex's schema builder and raw SQL.
const POSTGRES_CASES: [UnsafeRule, string][] = [
  [
    'add-column-volatile-default',
    "await knex.schema.alterTable('users', (t) => { t.uuid('token').defaultTo(knex.raw('gen_random_uuid()')) })",
  ],
  ['add-column-volatile-default', "await knex.raw('ALTER TABLE users ADD COLUMN n bigserial')"],
  ['set-not-null', "await knex.raw('ALTER TABLE users ALTER COLUMN email SET NOT NULL')"],
  ['add-index-non-concurrently', "await knex.schema.alterTable('users', (t) => { t.index(['email']) })"],
  ['add-index-non-concurrently', "await knex.raw('CREATE UNIQUE INDEX users_email ON public.users (email)')"],
  ['change-column-type', "await knex.raw('ALTER TABLE users ALTER COLUMN age TYPE bigint')"],
  ['rename-column', "await knex.schema.alterTable('users', (t) => { t.renameColumn('name', 'full_name') })"],
  ['rename-table', "await knex.schema.renameTable('users', 'people')"],
  ['drop-column', "await knex.schema.alterTable('users', (t) => { t.dropColumn('legacy') })"],
  ['drop-table', "await knex.schema.dropTable('sessions')"],
  [
    'add-foreign-key',
    "await knex.schema.alterTable('posts', (t) => { t.foreign('user_id').references('users.id') })",
  ],
  ['add-foreign-key', "await knex.raw('ALTER TABLE posts ADD COLUMN org_id int REFERENCES orgs (id)')"],
  ['add-check-constraint', "await knex.raw('ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0)')"],
  ['add-unique-constraint', "await knex.schema.alterTable('users', (t) => { t.unique(['email']) })"],
]

describe('checkMigrations() on Postgres', () => {
  it.each(POSTGRES_CASES)('reports %s with its recipe: %s', async (rule, body) => {
    const findings = await findingsOf(body, 'postgres')
    expect(rulesOf(findings)).toContain(rule)
    const finding = findings.find((f) => f.rule === rule)!
    expect(finding.recipe).toBe(UNSAFE_RULES[rule].postgres)
    expect(finding.migration).toBe('001_change.js')
    expect(finding.message).toContain(UNSAFE_RULES[rule].title)
    expect(finding.acknowledged).toBe(false)
  })

  it('reports both the type change and SET NOT NULL of a knex .alter()', async () => {
    const findings = await findingsOf(
      "await knex.schema.alterTable('users', (t) => { t.string('email').notNullable().alter() })",
      'postgres',
    )
    expect(rulesOf(findings).sort()).toEqual(['change-column-type', 'set-not-null'])
    expect(findings[0]!.statement).toContain('alter table "users" alter column "email"')
  })

  it.each([
    ['a concurrent index', "await knex.raw('CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON users (email)')"],
    [
      'a NOT VALID foreign key',
      "await knex.raw('ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID')",
    ],
    ['a NOT VALID check', "await knex.raw('ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID')"],
    ['validating a constraint', "await knex.raw('ALTER TABLE posts VALIDATE CONSTRAINT fk')"],
    [
      'a unique constraint on an existing index',
      "await knex.raw('ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email')",
    ],
    [
      'a constant default',
      "await knex.schema.alterTable('users', (t) => { t.boolean('admin').defaultTo(false) })",
    ],
    [
      'now() as a default (stable, not volatile)',
      "await knex.raw('ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now()')",
    ],
    [
      'keywords inside strings and comments',
      'await knex.raw("-- DROP TABLE users\\nINSERT INTO notes (body) VALUES (\'ALTER TABLE users DROP COLUMN email; DROP TABLE x\')")',
    ],
    ['data changes', "await knex('users').update({ admin: true }).where({ id: 1 })"],
    [
      'dropping a constraint or an index',
      "await knex.raw('ALTER TABLE users DROP CONSTRAINT c'); await knex.raw('DROP INDEX CONCURRENTLY i')",
    ],
  ])('finds nothing in %s', async (_name, body) => {
    expect(await findingsOf(body, 'postgres')).toEqual([])
  })

  it('treats tables created earlier in the same release as new: indexes, keys and drops on them are safe', async () => {
    const project = writeProject('new-tables', {
      '001_create.js': `export async function up(knex) {
  await knex.schema.createTable('accounts', (t) => { t.increments(); t.string('email').unique(); t.integer('owner_id').references('users.id') })
}`,
      '002_index.js': `export async function up(knex) {
  await knex.schema.alterTable('accounts', (t) => { t.index(['email'], 'accounts_email_idx'); t.string('email').notNullable().alter() })
  await knex.raw('CREATE INDEX accounts_owner ON accounts (owner_id)')
}`,
      '003_existing.js': `export async function up(knex) { await knex.schema.alterTable('users', (t) => { t.index(['email']) }) }`,
    })
    dirs.push(project.cwd)
    const result = await checkMigrations(await listMigrations(project.directory), { dialect: 'postgres' })
    expect(result.findings.map((f) => [f.migration, f.rule, f.table])).toEqual([
      ['003_existing.js', 'add-index-non-concurrently', 'users'],
    ])
  })

  it('never touches a database: a migration that reads data sees no rows, and one that throws on that is listed as not checked', async () => {
    const project = writeProject('reads', {
      '001_reads.js': `export async function up(knex) {
  const [first] = await knex('users').select('id')
  await knex('users').where({ id: first.id }).update({ admin: true })
}`,
    })
    dirs.push(project.cwd)
    const result = await checkMigrations(await listMigrations(project.directory), { dialect: 'postgres' })
    expect(result.findings).toEqual([])
    expect(result.notChecked).toEqual([{ migration: '001_reads.js', reason: expect.stringContaining('id') }])
  })

  it('lets a migration skip data-dependent work with knex.userParams.kitCheck', async () => {
    const findings = await findingsOf(
      `if (knex.userParams?.kitCheck) { await knex.schema.dropTable('checked'); return }\nawait knex.schema.dropTable('real')`,
      'postgres',
    )
    expect(findings.map((f) => f.table)).toEqual(['checked'])
  })
})

const MYSQL_CASES: [UnsafeRule, string][] = [
  [
    'add-column-volatile-default',
    "await knex.raw('ALTER TABLE users ADD COLUMN token char(36) DEFAULT (uuid())')",
  ],
  ['change-column-type', "await knex.schema.alterTable('users', (t) => { t.bigInteger('age').alter() })"],
  ['rename-column', "await knex.schema.alterTable('users', (t) => { t.renameColumn('name', 'full_name') })"],
  ['rename-column', "await knex.raw('ALTER TABLE users RENAME COLUMN name TO full_name')"],
  ['rename-table', "await knex.schema.renameTable('users', 'people')"],
  ['drop-column', "await knex.schema.alterTable('users', (t) => { t.dropColumn('legacy') })"],
  ['drop-table', "await knex.schema.dropTableIfExists('sessions')"],
  [
    'add-foreign-key',
    "await knex.schema.alterTable('posts', (t) => { t.foreign('user_id').references('users.id') })",
  ],
  ['add-check-constraint', "await knex.raw('ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0)')"],
]

describe('checkMigrations() on MySQL/MariaDB', () => {
  it.each(MYSQL_CASES)('reports %s with the MySQL recipe: %s', async (rule, body) => {
    const findings = await findingsOf(body, 'mysql')
    expect(rulesOf(findings)).toContain(rule)
    expect(findings.find((f) => f.rule === rule)!.recipe).toBe(UNSAFE_RULES[rule].mysql)
  })

  it.each([
    [
      'an index (InnoDB builds it online)',
      "await knex.schema.alterTable('users', (t) => { t.index(['email']); t.unique(['name']) })",
    ],
    ['a plain new column', "await knex.schema.alterTable('users', (t) => { t.string('nickname') })"],
    [
      'dropping a foreign key or an index',
      "await knex.raw('ALTER TABLE posts DROP FOREIGN KEY fk, DROP INDEX i')",
    ],
  ])('finds nothing in %s', async (_name, body) => {
    expect(await findingsOf(body, 'mysql')).toEqual([])
  })
})

describe('acknowledging findings', () => {
  it('accepts a rule listed in `export const kit = { acknowledge }`, and only that rule', async () => {
    const findings = await findingsOf(
      "await knex.schema.alterTable('users', (t) => { t.index(['email']); t.dropColumn('legacy') })",
      'postgres',
      "export const kit = { acknowledge: ['add-index-non-concurrently'] }",
    )
    expect(findings.map((f) => [f.rule, f.acknowledged, f.acknowledgedBy])).toEqual([
      ['add-index-non-concurrently', true, 'migration'],
      ['drop-column', false, undefined],
    ])
  })

  it('rejects an acknowledgement of a rule that does not exist, suggesting the closest', async () => {
    const error = await findingsOf(
      "await knex.schema.dropTable('x')",
      'postgres',
      "export const kit = { acknowledge: ['add-index-non-concurently'] }",
    ).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_INVALID_MIGRATION')).toBe(true)
    expect((error as Error).message).toContain('Did you mean "add-index-non-concurrently"?')
  })

  it('marks every finding of a migration in the reviewed baseline as acknowledged, until the file changes', async () => {
    const project = writeProject('baseline', {
      '001_old.js': "export async function up(knex) { await knex.schema.dropTable('old_table') }",
      '002_new.js': "export async function up(knex) { await knex.schema.dropTable('new_table') }",
    })
    dirs.push(project.cwd)
    const files = await listMigrations(project.directory)
    const baseline = join(project.directory, '.kit-reviewed.json')
    expect(await writeBaseline(baseline, files.slice(0, 1))).toBe(1)
    let result = await checkMigrations(files, { dialect: 'postgres', baseline })
    expect(result.findings.map((f) => [f.migration, f.acknowledgedBy])).toEqual([
      ['001_old.js', 'baseline'],
      ['002_new.js', undefined],
    ])
    expect(result.unacknowledged.map((f) => f.migration)).toEqual(['002_new.js'])

    const { writeFileSync } = await import('node:fs')
    writeFileSync(
      files[0]!.path,
      "export async function up(knex) { await knex.schema.dropTable('other_table') }",
    )
    result = await checkMigrations(files, { dialect: 'postgres', baseline })
    expect(result.unacknowledged.map((f) => f.migration)).toEqual(['001_old.js', '002_new.js'])
  })

  it('does not count tables created by reviewed migrations as new (a fresh CI database has every migration pending)', async () => {
    const project = writeProject('baseline-new', {
      '001_old.js':
        "export async function up(knex) { await knex.schema.createTable('orders', (t) => { t.increments(); t.integer('n') }) }",
      '002_new.js':
        "export async function up(knex) { await knex.schema.alterTable('orders', (t) => { t.index(['n']) }) }",
    })
    dirs.push(project.cwd)
    const files = await listMigrations(project.directory)
    expect((await checkMigrations(files, { dialect: 'postgres' })).findings).toEqual([])
    const baseline = join(project.directory, '.kit-reviewed.json')
    await writeBaseline(baseline, files.slice(0, 1))
    const result = await checkMigrations(files, { dialect: 'postgres', baseline })
    expect(result.unacknowledged.map((f) => [f.migration, f.rule])).toEqual([
      ['002_new.js', 'add-index-non-concurrently'],
    ])
  })

  it('reads a baseline that is not JSON as an error that says how to rewrite it', async () => {
    const dir = tempDir('bad-baseline')
    dirs.push(dir)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 'b.json'), '{ nope')
    const error = await checkMigrations([], { baseline: join(dir, 'b.json') }).catch((e: unknown) => e)
    expect(isKitError(error, 'KIT_MIGRATE_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain('kit migrate check --baseline')
  })
})
