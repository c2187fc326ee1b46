import { afterEach, describe, expect, it } from 'vitest'
import {
  addKnownSecret,
  clearKnownSecrets,
  envSecretValues,
  isSecretEnvName,
  looksLikeSecret,
  MIN_KNOWN_SECRET_LENGTH,
  REDACTED,
  redactString,
} from '../src/index.ts'

afterEach(() => clearKnownSecrets())

describe('which env values are known secrets', () => {
  it('never the shell working directories, although PWD reads as "password"', () => {
    expect(isSecretEnvName('PWD')).toBe(false)
    expect(isSecretEnvName('OLDPWD')).toBe(false)
    expect(isSecretEnvName('SESSION_SECRET')).toBe(true)
    const values = envSecretValues({ PWD: '/srv/app-4f9c2e', OLDPWD: '/home/deploy', HOME: '/root' })
    expect(values).toEqual([])
  })

  it.each([
    ['short', 'abc12'],
    ['a flag', 'false'],
    ['a number', '123456789'],
    ['a plain word', 'postgres'],
    ['a capitalised word', 'Changeme'],
    ['a file path', '/run/secrets/gcp-credentials.json'],
    ['a relative path', './keys/private.pem'],
  ])('never %s (%s)', (_what, value) => {
    expect(looksLikeSecret(value)).toBe(false)
  })

  it.each([
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'canary0f3a9be1c7d2',
    'correct horse battery staple',
    'xKqPwLmNzRtYvBnM',
    'supersecretvalue',
    '/9j4AAQSkZJRg+xy==',
  ])('a value that looks like a secret: %s', (value) => {
    expect(looksLikeSecret(value)).toBe(true)
  })

  it('registers what looks secret under a secret name, and nothing else', () => {
    const env = {
      PWD: '/srv/app',
      API_TOKEN: 'tok-8c1d4f0e9a',
      SESSION_SECRET: 'is',
      DB_PASSWORD: 'postgres',
      APP_NAME: 'shop-4f9c2e1b',
    }
    expect(envSecretValues(env)).toEqual(['tok-8c1d4f0e9a'])
    expect(envSecretValues(env, (name) => name === 'APP_NAME')).toEqual(['shop-4f9c2e1b'])
  })

  it(`addKnownSecret ignores values shorter than ${MIN_KNOWN_SECRET_LENGTH} characters`, () => {
    addKnownSecret('is')
    addKnownSecret('a'.repeat(MIN_KNOWN_SECRET_LENGTH - 1))
    expect(redactString(`this is ${'a'.repeat(MIN_KNOWN_SECRET_LENGTH - 1)}`)).toBe(
      `this is ${'a'.repeat(MIN_KNOWN_SECRET_LENGTH - 1)}`,
    )
    addKnownSecret('s3cr3t-v4lue')
    expect(redactString('sent s3cr3t-v4lue')).toBe(`sent ${REDACTED}`)
  })

  it('leaves the prose after a variable name alone, and still redacts its values', () => {
    const message =
      '  - SESSION_SECRET: is too easy to guess (repeated, sequential or few distinct characters).'
    expect(redactString(message)).toBe(message)
    expect(redactString('password: hunter22 token=abcdef12')).toBe(`password: ${REDACTED} token=${REDACTED}`)
    expect(redactString('password: hunter')).toBe(`password: ${REDACTED}`)
    expect(redactString('"password": "is"')).toBe(`"password": "${REDACTED}"`)
    expect(redactString('password=is now')).toBe(`password=${REDACTED} now`)
  })
})
