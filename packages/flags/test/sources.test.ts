import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isKitError, type KitError } from '@kit/internal'
import { afterAll, describe, expect, it } from 'vitest'
import { createFlags } from '../src/index.ts'
import { DEFINITIONS } from './helpers/definitions.ts'
import { memoryLogger } from './helpers/log.ts'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kit-flags-src-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

function thrown(run: () => unknown): KitError {
  try {
    run()
  } catch (error) {
    if (isKitError(error)) return error
    throw error
  }
  throw new Error('expected a KitError')
}

describe('layering (code < flags.json < env)', () => {
  const cwd = project({
    'flags.json': JSON.stringify({ newCheckout: true, checkoutCopy: 'b', maxItems: 20 }),
  })

  it('serves flags.json over the code defaults', () => {
    const flags = createFlags(DEFINITIONS, {}, { cwd, env: {} })
    expect(flags.evaluate('newCheckout')).toMatchObject({ value: true, source: 'file' })
    expect(flags.get('checkoutCopy')).toBe('b')
  })

  it('serves FEATURE_FLAGS over flags.json, and FLAG_* over FEATURE_FLAGS', () => {
    const flags = createFlags(
      DEFINITIONS,
      {},
      { cwd, env: { FEATURE_FLAGS: '{"newCheckout": false, "checkoutCopy": "c"}', FLAG_CHECKOUT_COPY: 'a' } },
    )
    expect(flags.evaluate('newCheckout')).toMatchObject({ value: false, source: 'env' })
    expect(flags.evaluate('checkoutCopy')).toMatchObject({ value: 'a', source: 'env' })
    expect(flags.evaluate('maxItems')).toMatchObject({ value: 20, source: 'file' })
  })

  it('replaces a lower layer’s state whole (a FLAG_* value drops the file’s rollout)', () => {
    const dir = project({ 'flags.json': JSON.stringify({ newCheckout: { rollout: 10 } }) })
    const flags = createFlags(DEFINITIONS, {}, { cwd: dir, env: { FLAG_NEW_CHECKOUT: 'on' } })
    expect(flags.evaluate('newCheckout', { userId: 'anyone' })).toMatchObject({
      value: true,
      reason: 'STATIC',
    })
  })

  it('reads process.env when no env is given', () => {
    process.env.FLAG_MAX_ITEMS = '33'
    try {
      expect(createFlags(DEFINITIONS, { file: false }).get('maxItems')).toBe(33)
    } finally {
      delete process.env.FLAG_MAX_ITEMS
    }
  })
})

describe('option: file', () => {
  it('reads another file relative to the app root', () => {
    const cwd = project({ 'features.json': '{"maxItems": 5}' })
    expect(createFlags(DEFINITIONS, { file: 'features.json' }, { cwd, env: {} }).get('maxItems')).toBe(5)
  })

  it('reads no file with false', () => {
    const cwd = project({ 'flags.json': '{"maxItems": 5}' })
    expect(createFlags(DEFINITIONS, { file: false }, { cwd, env: {} }).get('maxItems')).toBe(10)
  })

  it('is fine without the default flags.json', () => {
    expect(createFlags(DEFINITIONS, {}, { cwd: project(), env: {} }).get('maxItems')).toBe(10)
  })

  it('throws KIT_FLAGS_FILE_NOT_FOUND for a named file that is missing', () => {
    const error = thrown(() => createFlags(DEFINITIONS, { file: 'nope.json' }, { cwd: project(), env: {} }))
    expect(error.code).toBe('KIT_FLAGS_FILE_NOT_FOUND')
    expect(error.message).toContain('nope.json')
  })

  it('ignores "$schema" and "$comment" keys', () => {
    const cwd = project({ 'flags.json': '{"$schema": "./x.json", "$comment": "hi", "maxItems": 4}' })
    const { log, lines } = memoryLogger()
    expect(createFlags(DEFINITIONS, {}, { cwd, env: {}, log }).get('maxItems')).toBe(4)
    expect(lines).toEqual([])
  })
})

describe('bad JSON', () => {
  it('names flags.json, the line, the column and the position', () => {
    const cwd = project({ 'flags.json': '{\n  "newCheckout": true,\n  "maxItems": 5,\n}\n' })
    const error = thrown(() => createFlags(DEFINITIONS, {}, { cwd, env: {} }))
    expect(error.code).toBe('KIT_FLAGS_INVALID_JSON')
    expect(error.message).toContain(join(cwd, 'flags.json'))
    expect(error.message).toContain('trailing comma before } at line 4, column 1 (position 42)')
  })

  it('names FEATURE_FLAGS and the position', () => {
    const error = thrown(() =>
      createFlags(DEFINITIONS, { file: false }, { env: { FEATURE_FLAGS: "{'newCheckout': true}" } }),
    )
    expect(error.code).toBe('KIT_FLAGS_INVALID_JSON')
    expect(error.message).toBe(
      'FEATURE_FLAGS is not valid JSON: expected a property name in double quotes, found "\'" at line 1, column 2 (position 1).',
    )
  })

  it('names a FLAG_* variable holding a broken object', () => {
    const error = thrown(() =>
      createFlags(DEFINITIONS, { file: false }, { env: { FLAG_NEW_CHECKOUT: '{"rollout": 10' } }),
    )
    expect(error.message).toContain('FLAG_NEW_CHECKOUT is not valid JSON')
    expect(error.message).toContain('position 14')
  })

  it.each([
    ['an array', '[true]', 'got an array'],
    ['a string', '"on"', 'got "on"'],
    ['null', 'null', 'got null'],
  ])('rejects FEATURE_FLAGS holding %s', (_label, text, message) => {
    const error = thrown(() => createFlags(DEFINITIONS, { file: false }, { env: { FEATURE_FLAGS: text } }))
    expect(error.code).toBe('KIT_FLAGS_INVALID_JSON')
    expect(error.message).toContain(message)
  })
})

describe('env variables', () => {
  it.each([
    ['true', true],
    ['on', true],
    ['1', true],
    ['YES', true],
    ['false', false],
    ['off', false],
    ['0', false],
    [' no ', false],
  ])('reads FLAG_NEW_CHECKOUT=%j as %s', (text, expected) => {
    expect(
      createFlags(DEFINITIONS, { file: false }, { env: { FLAG_NEW_CHECKOUT: text } }).get('newCheckout'),
    ).toBe(expected)
  })

  it('reads number and string flags, and a JSON state object', () => {
    const flags = createFlags(
      DEFINITIONS,
      { file: false },
      { env: { FLAG_MAX_ITEMS: '12.5', FLAG_CHECKOUT_COPY: 'c', FLAG_NEW_CHECKOUT: '{"allow": ["vip"]}' } },
    )
    expect(flags.get('maxItems')).toBe(12.5)
    expect(flags.get('checkoutCopy')).toBe('c')
    expect(flags.isEnabled('newCheckout', { userId: 'vip' })).toBe(true)
    expect(flags.isEnabled('newCheckout', { userId: 'other' })).toBe(false)
  })

  it('treats empty values as unset', () => {
    const flags = createFlags(
      DEFINITIONS,
      { file: false },
      { env: { FLAG_NEW_CHECKOUT: '', FEATURE_FLAGS: ' ' } },
    )
    expect(flags.evaluate('newCheckout').source).toBe('default')
  })

  it('warns once about FLAG_* and FEATURE_FLAGS entries for undefined flags, with a suggestion', () => {
    const { log, messages } = memoryLogger()
    const flags = createFlags(
      DEFINITIONS,
      { file: false },
      { env: { FLAG_NEW_CHEKOUT: 'on', FEATURE_FLAGS: '{"maxItem": 3}' }, log },
    )
    expect(flags.get('newCheckout')).toBe(false)
    const warnings = messages('warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('FLAG_NEW_CHEKOUT Did you mean "FLAG_NEW_CHECKOUT"?')
    expect(warnings[0]).toContain('maxItem Did you mean "maxItems"? (in FEATURE_FLAGS)')
  })
})

describe('invalid values', () => {
  it.each([
    [
      { FLAG_NEW_CHECKOUT: 'maybe' },
      'FLAG_NEW_CHECKOUT: newCheckout is a boolean flag: use true/false (or on/off, 1/0), got "maybe".',
    ],
    [{ FLAG_MAX_ITEMS: 'ten' }, 'FLAG_MAX_ITEMS: maxItems is a number flag, got "ten".'],
    [
      { FLAG_CHECKOUT_COPY: 'z' },
      'FLAG_CHECKOUT_COPY: "z" is not a variant of checkoutCopy ("a", "b", "c").',
    ],
    [
      { FEATURE_FLAGS: '{"newCheckout": "yes"}' },
      'FEATURE_FLAGS: newCheckout: newCheckout is a boolean flag, got "yes".',
    ],
    [
      { FEATURE_FLAGS: '{"newCheckout": {"rollout": 101}}' },
      'rollout must be a whole percentage from 0 to 100, got 101.',
    ],
    [{ FEATURE_FLAGS: '{"newCheckout": {"rollout": 12.5}}' }, 'rollout must be a whole percentage'],
    [{ FEATURE_FLAGS: '{"newCheckout": {"rolout": 10}}' }, 'unknown setting "rolout"'],
    [{ FEATURE_FLAGS: '{"newCheckout": {"value": true}}' }, 'use "enabled" instead of "value"'],
    [{ FEATURE_FLAGS: '{"newCheckout": {"enabled": "yes"}}' }, 'enabled must be true or false'],
    [{ FEATURE_FLAGS: '{"newCheckout": {"allow": "vip"}}' }, 'allow must be an array of user ids'],
    [{ FEATURE_FLAGS: '{"newCheckout": {"rules": ["plan is pro"]}}' }, 'cannot read the rule "plan is pro"'],
    [{ FEATURE_FLAGS: '{"newCheckout": {"rules": "plan = pro"}}' }, 'rules must be an array'],
    [
      { FEATURE_FLAGS: '{"newCheckout": {"stickiness": "a b"}}' },
      'stickiness must be "userId" or an attribute name',
    ],
    [
      { FEATURE_FLAGS: '{"checkoutCopy": {"weights": {"a": -1, "b": 2}}}' },
      'the weight of "a" must be a whole number ≥ 0',
    ],
    [{ FEATURE_FLAGS: '{"checkoutCopy": {"weights": {"a": 0}}}' }, 'weights must add up to more than 0'],
    [{ FEATURE_FLAGS: '{"checkoutCopy": {"weights": {"z": 1}}}' }, '"z" is not a variant of checkoutCopy'],
    [{ FEATURE_FLAGS: '{"checkoutCopy": {"weights": [1, 2]}}' }, 'weights must be an object'],
    [{ FEATURE_FLAGS: '{"maxItems": {"value": "many"}}' }, 'maxItems is a number flag, got "many"'],
  ])('rejects %j with KIT_FLAGS_INVALID_VALUE', (env, message) => {
    const error = thrown(() => createFlags(DEFINITIONS, { file: false }, { env }))
    expect(error.code).toBe('KIT_FLAGS_INVALID_VALUE')
    expect(error.message).toContain(message)
  })

  it('names flags.json and the flag for a bad value in the file', () => {
    const cwd = project({ 'flags.json': '{"maxItems": "lots"}' })
    const error = thrown(() => createFlags(DEFINITIONS, {}, { cwd, env: {} }))
    expect(error.message).toBe(`${join(cwd, 'flags.json')}: maxItems: maxItems is a number flag, got "lots".`)
  })
})
