import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../core/src/cli/main.ts'
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts'
import { flagsProject, type KitRun } from './helpers/processes.ts'

/**
 * `kit flags ...` through the CLI host in this process (fast, for the many
 * variations); invalidation-*.test.ts run the same commands as separate
 * processes, as users do.
 */
let db: TestDatabase
const project = flagsProject()

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'flags-cli')
})
afterAll(async () => {
  await db?.drop()
  project.remove()
})

async function kit(args: string[], env: Record<string, string> = {}, cwd = project.dir): Promise<KitRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['flags', ...args], {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { NODE_ENV: 'test', DATABASE_URL: db.url!, ...env },
    cwd,
  })
  return { code, stdout, stderr }
}

describe('kit flags set', () => {
  it('turns a boolean flag on and off, printing before → after, who and when', async () => {
    const on = await kit(['set', 'newCheckout', 'on', '--actor', 'alice'])
    expect(on.stderr).toBe('')
    expect(on.code).toBe(0)
    expect(on.stdout).toMatch(
      /^newCheckout: code default → on\nset by alice at \d{4}-\d\d-\d\dT[\d:.]+Z \(version 1\)\n$/,
    )
    const off = await kit(['set', 'newCheckout', 'false', '--json'])
    expect(JSON.parse(off.stdout)).toMatchObject({
      name: 'newCheckout',
      action: 'set',
      before: { enabled: true },
      after: { enabled: false },
      version: 2,
    })
  })

  it('sets string and number values, and switches them with on/off', async () => {
    expect((await kit(['set', 'checkoutCopy', 'b'])).stdout).toContain(
      'checkoutCopy: code default → on, value b',
    )
    expect((await kit(['set', 'maxItems', '12.5'])).code).toBe(0)
    const off = await kit(['set', 'checkoutCopy', 'off', '--json'])
    expect(JSON.parse(off.stdout)).toMatchObject({ action: 'toggle', after: { enabled: false, value: 'b' } })
  })

  it('refuses values of the wrong type', async () => {
    const boolean = await kit(['set', 'newCheckout', 'maybe'])
    expect(boolean.code).toBe(2)
    expect(boolean.stderr).toContain('newCheckout is a boolean flag: use on or off, got "maybe".')
    const number = await kit(['set', 'maxItems', 'many'])
    expect(number.code).toBe(2)
    const variant = await kit(['set', 'checkoutCopy', 'z'])
    expect(variant.code).toBe(1)
    expect(variant.stderr).toContain('KIT_FLAGS_INVALID_VALUE')
    expect(variant.stderr).toContain('"z" is not a variant of checkoutCopy ("a", "b", "c")')
  })

  it('suggests the flag meant by an unknown name', async () => {
    const run = await kit(['set', 'newChekout', 'on'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('KIT_FLAGS_UNKNOWN_FLAG')
    expect(run.stderr).toContain('Did you mean "newCheckout"?')
  })

  it('needs exactly a flag and a value', async () => {
    const run = await kit(['set', 'newCheckout'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Expected a flag and a value')
  })
})

describe('kit flags rollout', () => {
  it('serves a percentage of users, bucketed by user id or --stickiness', async () => {
    const run = await kit(['rollout', 'newCheckout', '25%', '--stickiness', 'accountId', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({
      after: { enabled: true, rollout: 25, stickiness: 'accountId' },
    })
  })

  it.each(['101', '-1', 'half', '12.5'])('refuses %s as a percentage', async (percent) => {
    const run = await kit(['rollout', 'newCheckout', percent])
    expect(run.code).toBe(2)
  })
})

describe('kit flags variant', () => {
  it('sets A/B weights from value=weight pairs', async () => {
    const run = await kit(['variant', 'checkoutCopy', 'a=1', 'c=3'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('weights a=1 c=3')
  })

  it('refuses a pair without a whole-number weight, and values outside the variants', async () => {
    expect((await kit(['variant', 'checkoutCopy', 'a=half'])).code).toBe(2)
    expect((await kit(['variant', 'checkoutCopy'])).code).toBe(2)
    const outside = await kit(['variant', 'checkoutCopy', 'a=1', 'x=1'])
    expect(outside.code).toBe(1)
    expect(outside.stderr).toContain('"x" is not a variant of checkoutCopy')
  })
})

describe('kit flags target', () => {
  it('sets allow and deny lists and rules; an empty value clears a list', async () => {
    const run = await kit([
      'target',
      'newCheckout',
      '--allow',
      '1, 2',
      '--deny',
      '3',
      '--rules',
      'plan in [pro, team]; country != US',
      '--json',
    ])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).after).toMatchObject({
      allow: ['1', '2'],
      deny: ['3'],
      rules: ['plan in [pro, team]', 'country not in [US]'],
    })
    const cleared = await kit(['target', 'newCheckout', '--deny', '', '--json'])
    expect(JSON.parse(cleared.stdout).after).not.toHaveProperty('deny')
  })

  it('needs at least one list, and readable rules', async () => {
    expect((await kit(['target', 'newCheckout'])).code).toBe(2)
    const rule = await kit(['target', 'newCheckout', '--rules', 'plan is pro'])
    expect(rule.code).toBe(1)
    expect(rule.stderr).toContain('cannot read the rule "plan is pro"')
  })
})

describe('kit flags list and get', () => {
  it('lists every flag with its value, deciding source and state', async () => {
    const run = await kit(['list'], { FEATURE_FLAGS: '{"maxItems": 3}', FLAG_NEW_CHECKOUT: '' })
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^FLAG\s+VALUE\s+SOURCE\s+STATE\s+CHANGED$/)
    expect(lines.find((l) => l.startsWith('checkoutCopy'))).toMatch(
      /^checkoutCopy\s+b\s+database\s+on, value b, weights a=1 c=3/,
    )
    const json = JSON.parse((await kit(['list', '--json'])).stdout) as { name: string; source: string }[]
    expect(json.map((flag) => [flag.name, flag.source])).toEqual([
      ['newCheckout', 'database'],
      ['checkoutCopy', 'database'],
      ['maxItems', 'database'],
    ])
  })

  it('shows one flag with its changes, newest first, naming who made them', async () => {
    const run = await kit(['get', 'newCheckout', '--limit', '3'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('About:      The new checkout flow')
    expect(run.stdout).toContain('Changes (newest first):')
    const json = JSON.parse((await kit(['get', 'newCheckout', '--json'])).stdout) as {
      history: { action: string; actor: string }[]
    }
    expect(json.history.map((entry) => entry.action)).toEqual(['target', 'target', 'rollout', 'set', 'set'])
    expect(json.history.at(-1)!.actor).toBe('alice')
    expect((await kit(['get', 'newCheckout', '--limit', '0'])).code).toBe(2)
  })
})

describe('kit flags reset', () => {
  it('removes the run-time state, so env, flags.json or the default apply again', async () => {
    const run = await kit(['reset', 'maxItems', '--json'], { FLAG_MAX_ITEMS: '8' })
    expect(JSON.parse(run.stdout)).toMatchObject({ action: 'reset', after: null })
    const list = JSON.parse((await kit(['list', '--json'], { FLAG_MAX_ITEMS: '8' })).stdout) as {
      name: string
      value: unknown
      source: string
    }[]
    expect(list.find((flag) => flag.name === 'maxItems')).toMatchObject({ value: 8, source: 'env' })
  })
})

describe('without DATABASE_URL', () => {
  it('lists code, flags.json and env values, and refuses changes', async () => {
    const list = await kit(['list', '--json'], { DATABASE_URL: '', FLAG_MAX_ITEMS: '4' })
    expect(list.code).toBe(0)
    expect(list.stderr).toContain('DATABASE_URL is not set: showing code, flags.json and env values only.')
    expect(JSON.parse(list.stdout).find((flag: { name: string }) => flag.name === 'maxItems')).toMatchObject({
      value: 4,
      source: 'env',
    })
    const set = await kit(['set', 'newCheckout', 'on'], { DATABASE_URL: '' })
    expect(set.code).toBe(1)
    expect(set.stderr).toContain('KIT_FLAGS_NO_DATABASE')
    expect(set.stderr).toContain('set it in flags.json or FLAG_NEW_CHECKOUT')
  })
})

describe('configuration', () => {
  it('explains that kit.config defines no flags', async () => {
    const empty = flagsProject()
    try {
      const { writeFileSync } = await import('node:fs')
      writeFileSync(`${empty.dir}/kit.config.mjs`, 'export default {}\n')
      const run = await kit(['list'], {}, empty.dir)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('defines no flags. Add them to kit.config')
    } finally {
      empty.remove()
    }
  })

  it('lists the subcommands under `kit flags`', async () => {
    const run = await kit([])
    expect(run.code).toBe(0)
    for (const name of ['list', 'get', 'set', 'rollout', 'variant', 'target', 'reset'])
      expect(run.stdout).toContain(`flags ${name}`)
  })
})
