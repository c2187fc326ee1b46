import { describe, expect, it } from 'vitest'
import {
  addKnownSecret,
  clearKnownSecrets,
  isSensitiveKey,
  REDACTED,
  redact,
  redactString,
} from '../src/index.ts'

describe('isSensitiveKey', () => {
  it.each([
    'authorization',
    'Cookie',
    'set-cookie',
    'password',
    'DB_PASSWORD',
    'apiKey',
    'x-api-key',
    'SENDGRID_API_KEY',
    'access_token',
    'csrfToken',
    'SESSION_SECRET',
    'SENTRY_DSN',
    'DATABASE_URL',
    'REDIS_URL',
    'privateKey',
    'pwd',
  ])('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true))
  it.each(['max_tokens', 'tokenizer', 'email', 'path', 'status', 'cookieName', 'passwordHint'])(
    '%s is not',
    (key) => expect(isSensitiveKey(key)).toBe(false),
  )
})

describe('redactString', () => {
  it.each([
    ['postgres://app:s3cret-pw@db.example.com/main', 'postgres://app:[REDACTED]@db.example.com/main'],
    ['https://abc123public@o1.ingest.sentry.io/42', 'https://[REDACTED]@o1.ingest.sentry.io/42'],
    ['sent Bearer eyJhbGciOiJIUzI1NiJ9.x.y upstream', 'sent Bearer [REDACTED] upstream'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: [REDACTED] [REDACTED]'],
    ['key SG.abcdefghijklmnop.qrstuvwxyz0123456789 done', `key ${REDACTED} done`],
    ['/login?token=abcdef123456&next=/home', '/login?token=[REDACTED]&next=/home'],
    ['{"password": "hunter2!"}', '{"password": "[REDACTED]"}'],
    // A "label: " before the pair used to swallow it: Error('secret=…')'s stack starts "Error: secret=…".
    ['Error: secret=abc123', 'Error: secret=[REDACTED]'],
    ['login failed: password=hunter22 for bob', 'login failed: password=[REDACTED] for bob'],
  ])('%s', (input, expected) => expect(redactString(input)).toBe(expected))

  it('leaves prose with the word token alone', () => {
    const message = 'Unexpected token \n in /app/kit.config.ts at line 3'
    expect(redactString(message)).toBe(message)
  })

  it('scrubs registered secret values wherever they appear', () => {
    addKnownSecret('k3y-v4lue-registered')
    expect(redactString('sent with k3y-v4lue-registered today')).toBe(`sent with ${REDACTED} today`)
    clearKnownSecrets()
  })
})

describe('redact', () => {
  it('copies deeply, replacing sensitive keys and never mutating the input', () => {
    const input = {
      user: { email: 'a@b.c', password: 'x' },
      headers: { cookie: 'sid=1' },
      list: [{ apiKey: 'k' }],
    }
    const out = redact(input)
    expect(out).toEqual({
      user: { email: 'a@b.c', password: REDACTED },
      headers: { cookie: REDACTED },
      list: [{ apiKey: REDACTED }],
    })
    expect(input.user.password).toBe('x')
  })

  it('handles cycles and errors', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    expect(redact(a)).toEqual({ name: 'a', self: '[Circular]' })
    const error = redact(new Error('failed for postgres://u:pw123456@h/db'))
    expect((error as unknown as { message: string }).message).toBe('failed for postgres://u:[REDACTED]@h/db')
  })
})
