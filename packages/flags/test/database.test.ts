import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_TABLE, createFlags, ensureFlagsTable, FLAGS_TABLE, flagsMigration } from '../src/index.ts'
import { dialectOf } from '../src/store/dialect.ts'
import { createTestDatabase, DIALECTS, type TestDatabase } from './helpers/databases.ts'
import { DEFINITIONS } from './helpers/definitions.ts'
import { memoryLogger } from './helpers/log.ts'

const cwd = mkdtempSync(join(tmpdir(), 'kit-flags-db-'))
writeFileSync(
  join(cwd, 'flags.json'),
  JSON.stringify({ newCheckout: { rollout: 30 }, checkoutCopy: 'b', maxItems: 20 }),
)
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe.each(DIALECTS)('%s', (dialect) => {
  let db: TestDatabase
  let knex: Knex

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'flags-db')
    knex = db.knex()
  })
  afterAll(async () => {
    await db?.drop()
  })

  const flagsOn = (env: Record<string, string> = {}, log = memoryLogger().log, own?: Knex) =>
    createFlags(DEFINITIONS, { invalidation: 'poll' }, { cwd, env, log, knex: own ?? knex })

  it('is recognised as its dialect (NOTIFY only on a Postgres server)', () => {
    expect(dialectOf(knex)).toBe(dialect === 'mariadb' ? 'mysql' : dialect)
  })

  describe('before kit release created the tables', () => {
    it('serves code, file and env values and says once that the table is missing', async () => {
      const { log, messages } = memoryLogger()
      const flags = flagsOn({ FLAG_MAX_ITEMS: '40' }, log)
      await flags.load()
      await flags.load()
      expect(flags.evaluate('maxItems')).toMatchObject({ value: 40, source: 'env' })
      expect(
        messages('info').filter((m) => m.includes('kit_feature_flags table does not exist')),
      ).toHaveLength(1)
      expect(messages('warn')).toEqual([])
      expect(await flags.history('newCheckout')).toEqual([])
    })
  })

  describe('ensureFlagsTable()', () => {
    it('creates both tables, and is idempotent when run concurrently', async () => {
      await Promise.all([ensureFlagsTable(knex), ensureFlagsTable(knex), ensureFlagsTable(knex)])
      await ensureFlagsTable(knex)
      expect(await knex.schema.hasTable(FLAGS_TABLE)).toBe(true)
      expect(await knex.schema.hasTable(AUDIT_TABLE)).toBe(true)
    })
  })

  describe('layering (code < flags.json < env < database)', () => {
    it('lets the database beat env, env beat the file, and the file beat the code default', async () => {
      const flags = flagsOn({ FLAG_CHECKOUT_COPY: 'c' })
      await flags.load()
      expect(flags.evaluate('checkoutCopy')).toMatchObject({ value: 'c', source: 'env' })
      expect(flags.evaluate('maxItems')).toMatchObject({ value: 20, source: 'file' })
      await flags.set('checkoutCopy', 'a', { actor: 'test' })
      expect(flags.evaluate('checkoutCopy')).toMatchObject({ value: 'a', source: 'database' })
      await flags.reset('checkoutCopy', { actor: 'test' })
      expect(flags.evaluate('checkoutCopy')).toMatchObject({ value: 'c', source: 'env' })
      const noEnv = flagsOn()
      await noEnv.load()
      expect(noEnv.evaluate('checkoutCopy')).toMatchObject({ value: 'b', source: 'file' })
      expect(createFlags(DEFINITIONS, { file: false }, { env: {} }).evaluate('checkoutCopy').source).toBe(
        'default',
      )
    })

    it('shows another instance the change after its next read', async () => {
      const writer = flagsOn()
      const reader = flagsOn({}, undefined, dialect === 'pglite' ? knex : db.knex())
      await reader.load()
      expect(reader.get('maxItems')).toBe(20)
      await writer.set('maxItems', 99, { actor: 'test' })
      await reader.load()
      expect(reader.evaluate('maxItems')).toMatchObject({ value: 99, source: 'database' })
      await writer.reset('maxItems', { actor: 'test' })
    })
  })

  describe('run-time changes', () => {
    it('starts a flag’s first database state from what the lower layers served', async () => {
      const flags = flagsOn()
      await flags.load()
      const change = await flags.set('newCheckout', true, { actor: 'alice' })
      expect(change.before).toBeUndefined()
      expect(change.after).toEqual({ rollout: 30, enabled: true })
      const off = await flags.set('newCheckout', false, { actor: 'alice' })
      expect(off.after).toEqual({ rollout: 30, enabled: false })
      expect(off.version).toBe(change.version + 1)
      await flags.reset('newCheckout', { actor: 'alice' })
    })

    it('rolls out, splits, targets and resets, each with an audit row naming the actor', async () => {
      const flags = flagsOn()
      await flags.load()
      await flags.rollout('newCheckout', 100, { actor: 'bob' })
      expect(flags.evaluate('newCheckout', { userId: 'anyone' }).reason).toBe('STATIC')
      await flags.rollout('newCheckout', 40, { actor: 'bob', stickiness: 'accountId' })
      await flags.target(
        'newCheckout',
        { allow: ['vip'], deny: [7], rules: ['plan in [pro, team]'] },
        { actor: 'carol' },
      )
      expect(flags.isEnabled('newCheckout', { userId: 'vip' })).toBe(true)
      expect(flags.isEnabled('newCheckout', { userId: 7, attributes: { plan: 'pro' } })).toBe(false)
      await flags.target('newCheckout', { deny: [] }, { actor: 'carol' })
      await flags.setWeights('checkoutCopy', { a: 1, c: 3 }, { actor: 'dave' })
      await flags.toggle('checkoutCopy', false, { actor: 'dave' })
      expect(flags.evaluate('checkoutCopy', { userId: 1 })).toMatchObject({ value: 'a', reason: 'DISABLED' })
      const history = await flags.history('newCheckout', 3)
      expect(history.map((entry) => [entry.action, entry.actor])).toEqual([
        ['target', 'carol'],
        ['target', 'carol'],
        ['rollout', 'bob'],
      ])
      expect(history[0]!.after).toEqual({
        rollout: 40,
        enabled: true,
        stickiness: 'accountId',
        allow: ['vip'],
        rules: ['plan in [pro, team]'],
      })
      expect(history[0]!.at).toBeInstanceOf(Date)
      const all = await flags.history()
      expect(all[0]).toMatchObject({ flag: 'checkoutCopy', action: 'toggle', actor: 'dave' })
      const listed = flags.list().find((flag) => flag.name === 'newCheckout')!
      expect(listed).toMatchObject({ source: 'database', updatedBy: 'carol' })
      expect(listed.updatedAt).toBeInstanceOf(Date)
      await flags.reset('newCheckout')
      await flags.reset('checkoutCopy')
      const [reset] = await flags.history('checkoutCopy', 1)
      expect(reset).toMatchObject({ action: 'reset', actor: 'app', after: undefined })
    })

    it('writes nothing for an invalid change', async () => {
      const flags = flagsOn()
      await flags.load()
      const before = (await flags.history()).length
      for (const attempt of [
        () => flags.set('checkoutCopy', 'z' as 'a'),
        () => flags.rollout('newCheckout', 150),
        () => flags.setWeights('checkoutCopy', { a: -1 }),
        () => flags.target('newCheckout', { rules: ['plan ~ pro'] }),
      ]) {
        await expect(attempt()).rejects.toSatisfy((error) => isKitError(error, 'KIT_FLAGS_INVALID_VALUE'))
      }
      // @ts-expect-error: not a defined flag.
      await expect(flags.set('ghost', true)).rejects.toSatisfy((error) =>
        isKitError(error, 'KIT_FLAGS_UNKNOWN_FLAG'),
      )
      expect((await flags.history()).length).toBe(before)
    })

    it('counts concurrent changes to one flag without losing any', async () => {
      const flags = flagsOn()
      await flags.load()
      const changes = await Promise.all(
        [10, 20, 30, 40, 50, 60, 70, 80].map((percent) =>
          flags.rollout('maxItems', percent, { actor: `p${percent}` }),
        ),
      )
      expect(new Set(changes.map((change) => change.version)).size).toBe(8)
      expect(
        (await flags.history('maxItems', 10)).filter((entry) => entry.action === 'rollout'),
      ).toHaveLength(8)
      await flags.reset('maxItems')
    })
  })

  describe('database rows', () => {
    it('ignores (and warns once about) a row that does not fit the definition, and rows of undefined flags', async () => {
      await knex(FLAGS_TABLE).insert([
        { name: 'maxItems', state: '{"value": "lots"}', version: 1, updated_by: 'psql' },
        { name: 'retiredFlag', state: '{"enabled": true}', version: 1, updated_by: 'psql' },
      ])
      const { log, messages } = memoryLogger()
      const flags = flagsOn({}, log)
      await flags.load()
      await flags.load()
      expect(flags.evaluate('maxItems')).toMatchObject({ value: 20, source: 'file' })
      const warnings = messages('warn')
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain('The database state of flag "maxItems" does not fit its definition')
      // A change replaces the broken row instead of merging into it.
      expect((await flags.set('maxItems', 5)).after).toEqual({ enabled: true, value: 5 })
      await knex(FLAGS_TABLE).whereIn('name', ['maxItems', 'retiredFlag']).delete()
    })
  })

  describe('flagsMigration', () => {
    it('drops and recreates the tables in knex migration format', async () => {
      await flagsMigration.down(knex)
      expect(await knex.schema.hasTable(FLAGS_TABLE)).toBe(false)
      await flagsMigration.up(knex)
      expect(await knex.schema.hasTable(AUDIT_TABLE)).toBe(true)
    })
  })
})

describe('without a database', () => {
  it('refuses run-time changes with KIT_FLAGS_NO_DATABASE', async () => {
    const flags = createFlags(DEFINITIONS, { file: false }, { env: {} })
    await flags.start()
    await expect(flags.set('newCheckout', true)).rejects.toThrow(/needs a database: set DATABASE_URL/)
    expect(await flags.history()).toEqual([])
  })
})
