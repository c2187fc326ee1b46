import { randomBytes } from 'node:crypto'
import { checkSecretStrength, estimateEntropyBits, secret } from '@kit/env'
import { clearKnownSecrets } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'
import { checkEnv, loadEnvFrom } from './helpers.ts'

// loadEnv registers secret values for redaction by value; keep tests independent.
afterEach(() => clearKnownSecrets())

const strong = (): string => randomBytes(32).toString('base64url')

describe('checkSecretStrength()', () => {
  it.each([
    randomBytes(32).toString('base64url'),
    randomBytes(32).toString('hex'),
    randomBytes(16).toString('hex'),
    randomBytes(24).toString('base64'),
  ])('accepts a random value (%s)', (value) => {
    expect(checkSecretStrength(value)).toBeUndefined()
  })

  it.each([
    'changeme',
    'CHANGE_ME',
    'change-me-please-change-me-please-123',
    'secret',
    'Secret!',
    'keyboard cat',
    'xxx',
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    '00000000000000000000000000000000',
    'password',
    'your-secret-here-your-secret-here-00',
    '<your-token>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, on purpose
    '${SESSION_SECRET}',
    '{{ token }}',
    '...',
    'replace-me-with-a-long-random-string-0123',
    'kit-docs-example-secret-do-not-use',
    'supersecret',
    'placeholder',
  ])('calls %j a placeholder', (value) => {
    expect(checkSecretStrength(value)).toBe('is a placeholder (like "changeme"), not a real secret')
  })

  it('says how short a value is, not what it is', () => {
    expect(checkSecretStrength('Zq8#Lw2!vN')).toBe('is too short: 10 characters, at least 32 are required')
    expect(checkSecretStrength('Zq8#Lw2!vN', { minLength: 8, minEntropyBits: 30 })).toBeUndefined()
  })

  it.each([
    'abcabcabcabcabcabcabcabcabcabcabcabc',
    'abcdefghijklmnopqrstuvwxyz0123456789',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab',
    'abababababababababababababababababab12',
    '1212121212121212121212121212121212121212',
  ])('calls %j too easy to guess', (value) => {
    expect(checkSecretStrength(value)).toBe(
      'is too easy to guess (repeated, sequential or few distinct characters)',
    )
  })

  it('estimates entropy from the character distribution', () => {
    expect(estimateEntropyBits('aaaa')).toBe(0)
    expect(estimateEntropyBits('abcd')).toBe(8)
    expect(estimateEntropyBits(randomBytes(32).toString('hex'))).toBeGreaterThan(96)
  })

  it('takes a higher bar', () => {
    expect(checkSecretStrength(randomBytes(16).toString('hex'), { minEntropyBits: 200 })).toMatch(
      /too easy to guess/,
    )
  })
})

describe('secret()', () => {
  const schema = { SESSION_SECRET: secret() }

  it('is enforced in production', () => {
    const { problems } = checkEnv({ NODE_ENV: 'production', SESSION_SECRET: 'keyboard cat' }, { schema })
    expect(problems).toEqual([
      {
        name: 'SESSION_SECRET',
        problem: 'is a placeholder (like "changeme"), not a real secret',
        fix: 'Generate one with `npx kit secret` and set it in your platform config.',
      },
    ])
  })

  it('accepts a strong value in production', () => {
    const value = strong()
    expect(loadEnvFrom({ NODE_ENV: 'production', SESSION_SECRET: value }, { schema }).SESSION_SECRET).toBe(
      value,
    )
  })

  it('lets development and test use simple values', () => {
    expect(loadEnvFrom({ NODE_ENV: 'development', SESSION_SECRET: 'dev' }, { schema }).SESSION_SECRET).toBe(
      'dev',
    )
    expect(loadEnvFrom({ NODE_ENV: 'test', SESSION_SECRET: 'changeme' }, { schema }).SESSION_SECRET).toBe(
      'changeme',
    )
  })

  it('is still required outside production', () => {
    expect(checkEnv({}, { schema }).problems).toEqual([
      {
        name: 'SESSION_SECRET',
        problem: 'is required but not set',
        fix: 'Generate one with `npx kit secret` and set it in your platform config.',
      },
    ])
  })

  it('can be enforced everywhere or never', () => {
    expect(checkEnv({ T: 'short' }, { schema: { T: secret({ enforce: 'always' }) } }).problems).toHaveLength(
      1,
    )
    expect(
      loadEnvFrom({ NODE_ENV: 'production', T: 'short' }, { schema: { T: secret({ enforce: 'never' }) } }).T,
    ).toBe('short')
  })

  it('applies to the built-in tokens', () => {
    const { problems } = checkEnv({
      NODE_ENV: 'production',
      KIT_HEALTH_TOKEN: 'changeme',
      METRICS_TOKEN: 'short',
    })
    expect(problems.map((p) => [p.name, p.problem])).toEqual([
      ['KIT_HEALTH_TOKEN', 'is a placeholder (like "changeme"), not a real secret'],
      ['METRICS_TOKEN', 'is too short: 5 characters, at least 32 are required'],
    ])
  })

  it('reads NODE_ENV from process.env when used outside loadEnv', () => {
    const previous = process.env.NODE_ENV
    try {
      process.env.NODE_ENV = 'production'
      expect(secret().safeParse('changeme').success).toBe(false)
      process.env.NODE_ENV = 'test'
      expect(secret().safeParse('changeme').success).toBe(true)
    } finally {
      process.env.NODE_ENV = previous
    }
  })
})
