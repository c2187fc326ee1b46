import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bool, checkEnv as checkEnvRaw, defineEnv, int, list, loadEnv, secret, url, z } from '@kit/env'
import { clearKnownSecrets, redactString } from '@kit/internal'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { checkEnv, loadEnvFrom, thrown } from './helpers.ts'

const dirs: string[] = []
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kit-env-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('result', () => {
  it('is frozen, lists included', () => {
    const env = loadEnvFrom({ ALLOWED_ORIGINS: 'https://a.com' })
    expect(Object.isFrozen(env)).toBe(true)
    expect(Object.isFrozen(env.ALLOWED_ORIGINS)).toBe(true)
    expect(() => {
      ;(env as { PORT: number }).PORT = 1
    }).toThrow(TypeError)
    expect(() => (env.ALLOWED_ORIGINS as string[]).push('https://evil.com')).toThrow(TypeError)
  })

  it('does not write to process.env', () => {
    const before = process.env.HSTS_MAX_AGE
    loadEnv({ source: { HSTS_MAX_AGE: '1y' }, dotenv: false, preset: false })
    expect(process.env.HSTS_MAX_AGE).toBe(before)
  })

  it('reads process.env by default', () => {
    process.env.KIT_TEST_FROM_PROCESS = '7'
    try {
      const env = loadEnv({ schema: { KIT_TEST_FROM_PROCESS: int() }, dotenv: false, preset: false })
      expect(env.KIT_TEST_FROM_PROCESS).toBe(7)
    } finally {
      delete process.env.KIT_TEST_FROM_PROCESS
    }
  })
})

describe('schema', () => {
  const schema = defineEnv({
    OPENAI_API_KEY: z.string().startsWith('sk-'),
    WORKERS: int({ min: 1 }).default(2),
    BETA: bool().default(false),
    WEBHOOK_URLS: list(url({ protocols: ['https'] })).default([]),
    NICKNAME: z.string().optional(),
  })

  it('adds the app variables to the built-in ones', () => {
    const env = loadEnvFrom({ OPENAI_API_KEY: 'sk-123', WORKERS: '4', BETA: 'yes' }, { schema })
    expect(env).toMatchObject({
      OPENAI_API_KEY: 'sk-123',
      WORKERS: 4,
      BETA: true,
      WEBHOOK_URLS: [],
      PORT: 3000,
    })
    expect(env.NICKNAME).toBeUndefined()
  })

  it('reports app and built-in problems together', () => {
    const { problems } = checkEnv({ PORT: 'x', WORKERS: '0', OPENAI_API_KEY: 'pk-1' }, { schema })
    expect(problems.map((p) => [p.name, p.problem])).toEqual([
      ['PORT', 'expected a whole number between 0 and 65535, got "x"'],
      ['OPENAI_API_KEY', 'Invalid string: must start with "sk-"'],
      ['WORKERS', 'expected a whole number of at least 1, got "0"'],
    ])
  })

  it('says a required app variable is missing', () => {
    expect(checkEnv({}, { schema }).problems).toEqual([
      {
        name: 'OPENAI_API_KEY',
        problem: 'is required but not set',
        fix: 'Set OPENAI_API_KEY in the environment or in .env.',
      },
    ])
    expect(checkEnv({ NODE_ENV: 'production' }, { schema }).problems[0]?.fix).toBe(
      'Set OPENAI_API_KEY in the environment.',
    )
  })

  it('suggests a misspelt name that is set', () => {
    expect(checkEnv({ OPENAI_APIKEY: 'sk-1' }, { schema }).problems[0]?.problem).toBe(
      'is required but not set (OPENAI_APIKEY is set: a typo?)',
    )
    expect(checkEnv({ openai_api_key: 'sk-1' }, { schema }).problems[0]?.problem).toBe(
      'is required but not set (openai_api_key is set: a typo?)',
    )
    expect(checkEnv({ SOMETHING_ELSE: 'x' }, { schema }).problems[0]?.problem).toBe('is required but not set')
  })

  it('lets an app entry replace a built-in variable', () => {
    const env = loadEnvFrom({ PORT: 'auto' }, { schema: { PORT: z.enum(['auto', 'fixed']) } })
    expect(env.PORT).toBe('auto')
  })

  it('treats an empty app value as missing', () => {
    expect(checkEnv({ OPENAI_API_KEY: '' }, { schema }).problems[0]?.problem).toBe('is required but not set')
  })
})

describe('.env files', () => {
  it('reads .env and .env.local in development, the real environment winning', () => {
    const cwd = project({
      '.env': 'PORT=4000\nLOG_LEVEL=debug\nHSTS_MAX_AGE=1d\n',
      '.env.local': 'LOG_LEVEL=trace\n',
    })
    const env = loadEnv({ cwd, source: { HSTS_MAX_AGE: '2d' }, preset: false })
    expect(env).toMatchObject({ PORT: 4000, LOG_LEVEL: 'trace', HSTS_MAX_AGE: 172_800 })
  })

  it('reports which file each value came from', () => {
    const cwd = project({ '.env': 'PORT=4000\n', '.env.local': 'LOG_LEVEL=trace\n' })
    const result = checkEnvRaw({ cwd, source: { NODE_ENV: 'test' }, preset: false })
    const byName = new Map(result.variables.map((v) => [v.name, v]))
    expect(byName.get('PORT')).toMatchObject({ status: 'set', origin: '.env', display: '4000' })
    expect(byName.get('LOG_LEVEL')).toMatchObject({ status: 'set', origin: '.env.local' })
    expect(byName.get('NODE_ENV')).toMatchObject({ status: 'set', origin: 'environment' })
    expect(result.dotenvFiles).toEqual([join(cwd, '.env'), join(cwd, '.env.local')])
  })

  it('parses quotes, comments and export-free lines the way Node does', () => {
    const cwd = project({
      '.env': '# a comment\nMAIL_FROM="Example <hi@example.com>"\nAPP_URL=\'http://localhost:3000\'\n',
    })
    const env = loadEnv({ cwd, source: {}, preset: false })
    expect(env.MAIL_FROM).toBe('Example <hi@example.com>')
    expect(env.APP_URL).toBe('http://localhost:3000')
  })

  it('is not read in production', () => {
    const cwd = project({ '.env': 'PORT=4000\n' })
    expect(loadEnv({ cwd, source: { NODE_ENV: 'production' }, preset: false }).PORT).toBe(3000)
  })

  it('can be turned off, or on in production', () => {
    const cwd = project({ '.env': 'PORT=4000\n' })
    expect(loadEnv({ cwd, source: {}, dotenv: false, preset: false }).PORT).toBe(3000)
    expect(loadEnv({ cwd, source: { NODE_ENV: 'production' }, dotenv: true, preset: false }).PORT).toBe(4000)
  })

  it('skips missing files', () => {
    const cwd = project({})
    expect(checkEnvRaw({ cwd, source: {}, preset: false }).dotenvFiles).toEqual([])
  })

  it('fails clearly when .env cannot be read', () => {
    const cwd = project({})
    mkdirSync(join(cwd, '.env'))
    const error = thrown(() => loadEnv({ cwd, source: {}, preset: false }))
    expect(error.code).toBe('KIT_ENV_DOTENV_UNREADABLE')
    expect(error.message).toBe(`Could not read ${join(cwd, '.env')}: EISDIR.`)
  })

  it('validates values from .env like any other', () => {
    const cwd = project({ '.env': 'PORT=eighty\n' })
    expect(thrown(() => loadEnv({ cwd, source: {}, preset: false })).details).toEqual([
      {
        name: 'PORT',
        problem: 'expected a whole number between 0 and 65535, got "eighty"',
        fix: 'Correct PORT, or unset it to use the default (3000).',
      },
    ])
  })
})

describe('secrets registered for redaction', () => {
  afterEach(() => clearKnownSecrets())

  it('scrubs secret values, and URL passwords, from logs by value', () => {
    const token = 'Zx9-known-secret-value-4f1c2a77b0'
    loadEnvFrom(
      {
        SESSION_SECRET: token,
        DATABASE_URL: 'postgres://app:db-pass-9f8e7d@db.example.com/app',
        WEBHOOK: 'https://hook:hook-pass-1a2b3c@hooks.example.com/x',
        PORT: '3000',
      },
      { schema: { SESSION_SECRET: secret(), WEBHOOK: z.string() } },
    )
    const line = `token ${token} then db-pass-9f8e7d and hook-pass-1a2b3c and port 3000`
    expect(redactString(line)).toBe('token [REDACTED] then [REDACTED] and [REDACTED] and port 3000')
  })

  it('registers only values that look like secrets: never PWD, a short value or a plain word', () => {
    loadEnvFrom({
      PWD: '/srv/shop-app-4f9c',
      SESSION_SECRET: 'is',
      DB_PASSWORD: 'postgres',
      DATABASE_URL: 'postgres://postgres:postgres@localhost:5432/shop',
    })
    const text = 'SESSION_SECRET is weak; postgres at /srv/shop-app-4f9c/migrations'
    expect(redactString(text)).toBe(text)
  })

  it('registers them even when validation fails', () => {
    const token = 'Vb7-known-secret-value-9c9d8e7f6a'
    thrown(() => loadEnvFrom({ SESSION_SECRET: token, PORT: 'x' }, { schema: { SESSION_SECRET: secret() } }))
    expect(redactString(token)).toBe('[REDACTED]')
  })
})
