import { describe, expect, it } from 'vitest'
import { analyseStatement } from '../src/checks/analyze.ts'
import { bareName, normalise, splitActions, splitStatements } from '../src/checks/sql.ts'

describe('splitStatements()', () => {
  it('splits on top-level semicolons only', () => {
    const sql = `CREATE INDEX CONCURRENTLY a ON t (x);
-- a comment; with a semicolon
INSERT INTO notes VALUES ('a;b', E'it\\'s; fine', "col;name");
CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql;
/* block; comment */ SELECT 1`
    expect(splitStatements(sql)).toHaveLength(4)
    expect(splitStatements(sql)[2]).toContain('$body$ BEGIN RETURN 1; END $body$')
  })

  it('ignores empty statements', () => {
    expect(splitStatements(';;  ; select 1;')).toEqual(['select 1'])
  })
})

describe('normalise()', () => {
  it('lower-cases, blanks strings and comments, and collapses whitespace', () => {
    expect(
      normalise(`ALTER  TABLE "Users"\n  ADD COLUMN x text DEFAULT 'DROP TABLE y' -- DROP COLUMN z`),
    ).toBe(`alter table "users" add column x text default ''`)
  })
})

describe('splitActions()', () => {
  it('splits ALTER TABLE actions on commas outside parentheses and quotes', () => {
    expect(
      splitActions('add column a numeric(10,2), add constraint "c,d" check (a in (1,2)), drop column b'),
    ).toEqual(['add column a numeric(10,2)', 'add constraint "c,d" check (a in (1,2))', 'drop column b'])
  })
})

describe('bareName()', () => {
  it.each([
    ['users', 'users'],
    ['"public"."users"', 'users'],
    ['public.users', 'users'],
    ['`app`.`users`', 'users'],
  ])('%s → %s', (ident, name) => {
    expect(bareName(ident)).toBe(name)
  })
})

describe('analyseStatement()', () => {
  it('reports every unsafe action of a multi-action ALTER TABLE once', () => {
    const hits = analyseStatement(
      'ALTER TABLE users DROP COLUMN a, DROP COLUMN b, ALTER COLUMN c SET NOT NULL',
      'postgres',
      new Set(),
    )
    expect(hits).toEqual([
      { rule: 'drop-column', table: 'users' },
      { rule: 'set-not-null', table: 'users' },
    ])
  })

  it('remembers tables created by earlier statements', () => {
    const created = new Set<string>()
    expect(analyseStatement('CREATE TABLE IF NOT EXISTS "Fresh" (id int)', 'postgres', created)).toEqual([])
    expect(analyseStatement('CREATE INDEX i ON "Fresh" (id)', 'postgres', created)).toEqual([])
    expect(analyseStatement('DROP TABLE fresh, old', 'postgres', created)).toEqual([
      { rule: 'drop-table', table: 'old' },
    ])
  })

  it('ignores statements that are not DDL on tables', () => {
    for (const sql of [
      'select 1',
      "update users set a = 'drop table x'",
      'create view v as select 1',
      'vacuum users',
    ]) {
      expect(analyseStatement(sql, 'postgres', new Set())).toEqual([])
    }
  })
})
