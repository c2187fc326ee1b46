import { addKnownSecret, clearKnownSecrets } from '@kit/internal'
import { MemoryStream } from '@kit/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../src/index.ts'

function capture(redactKeys?: string[]) {
  const out = new MemoryStream()
  const log = createLogger({ destination: out, redactKeys }, { env: { NODE_ENV: 'production' } })
  return { log, out, line: () => out.lines().at(-1) as Record<string, any> }
}

afterEach(() => clearKnownSecrets())

describe('redaction of fields', () => {
  it('redacts sensitive keys at any depth, in objects and arrays', () => {
    const { log, out, line } = capture()
    log.info({
      password: 'p1-secret-value',
      user: { profile: { apiKey: 'p2-secret-value', name: 'ann' } },
      list: [{ token: 'p3-secret-value' }, { 'Set-Cookie': 'sid=p4-secret-value' }],
      headers: { authorization: 'Basic p5-secret-value', accept: 'text/html' },
      a: { b: { c: { d: { e: { f: { client_secret: 'p6-secret-value' } } } } } },
    })
    expect(line()).toMatchObject({
      password: '[REDACTED]',
      user: { profile: { apiKey: '[REDACTED]', name: 'ann' } },
      list: [{ token: '[REDACTED]' }, { 'Set-Cookie': '[REDACTED]' }],
      headers: { authorization: '[REDACTED]', accept: 'text/html' },
      a: { b: { c: { d: { e: { f: { client_secret: '[REDACTED]' } } } } } },
    })
    expect(out.text()).not.toMatch(/p\d-secret-value/)
  })

  it('redacts a sensitive key whatever its value (number, object)', () => {
    const { log, line } = capture()
    log.info({ pin: 1234, credentials: { user: 'u', pass: 'x' } })
    expect(line()).toMatchObject({ pin: '[REDACTED]', credentials: '[REDACTED]' })
  })

  it('scrubs credentials inside URLs and DSNs in string values', () => {
    const { log, out, line } = capture()
    log.info({
      target: 'postgres://app:dbpass-canary@db.example.com:5432/shop',
      nested: { sentry: 'https://publickey-canary@o1.ingest.sentry.io/42' },
      link: new URL('redis://:urlpass-canary@cache:6379'),
    })
    expect(line().target).toBe('postgres://app:[REDACTED]@db.example.com:5432/shop')
    expect(line().link).toBe('redis://:[REDACTED]@cache:6379')
    expect(out.text()).not.toMatch(/dbpass-canary|publickey-canary|urlpass-canary/)
  })

  it('scrubs secrets registered by value (env secrets) wherever they appear', () => {
    addKnownSecret('sk-known-env-secret-123')
    const { log, out } = capture()
    log.info({ note: 'calling with sk-known-env-secret-123 now' }, 'key is sk-known-env-secret-123')
    log.child({ key: 'sk-known-env-secret-123' }).info('child')
    expect(out.text()).not.toContain('sk-known-env-secret-123')
    expect(out.lines()[0]?.note).toBe('calling with [REDACTED] now')
  })

  it('applies the extra redactKeys, compared like the shared list', () => {
    const { log, line } = capture(['customer-ssn-number', 'iban'])
    log.info({ customer: { customerSsnNumber: '123', IBAN: 'DE00', city: 'Berlin' } })
    expect(line().customer).toEqual({ customerSsnNumber: '[REDACTED]', IBAN: '[REDACTED]', city: 'Berlin' })
  })

  it('keeps clean values as they are, and never changes the caller object', () => {
    const { log, line } = capture()
    const when = new Date('2026-01-02T03:04:05Z')
    const input = { count: 3, ok: true, none: null, when, items: ['a', 1], nested: { password: 'x1x1x1x1' } }
    log.info(input)
    expect(line()).toMatchObject({
      count: 3,
      ok: true,
      none: null,
      when: when.toISOString(),
      items: ['a', 1],
    })
    expect(input.nested.password).toBe('x1x1x1x1')
  })

  it('survives circular objects, Maps and Buffers', () => {
    const { log, line } = capture()
    const loop: Record<string, unknown> = { name: 'loop', secret: 'circ-secret-1' }
    loop.self = loop
    log.info({ loop, map: new Map([['token', 'map-secret-1']]), blob: Buffer.from('binary-data') })
    expect(line().loop).toMatchObject({ name: 'loop', secret: '[REDACTED]', self: '[Circular]' })
    expect(JSON.stringify(line())).not.toMatch(/circ-secret-1|map-secret-1|binary-data/)
  })
})

describe('redaction of messages, bindings and errors', () => {
  it('scrubs the message text, including interpolated values', () => {
    const { log, out } = capture()
    log.info('connecting to mysql://root:msgpass-canary@db/app')
    log.info('auth header was %s', 'Bearer abcdefghijk-canary')
    log.info('query was ?password=qs-canary&page=2')
    expect(out.text()).not.toMatch(/msgpass-canary|abcdefghijk-canary|qs-canary/)
    expect(out.lines()[2]?.msg).toBe('query was ?password=[REDACTED]&page=2')
  })

  it('redacts child logger bindings', () => {
    const { log, out } = capture()
    log.child({ token: 'binding-canary', tenant: 'acme' }).info('x')
    expect(out.lines()[0]).toMatchObject({ token: '[REDACTED]', tenant: 'acme' })
    expect(out.text()).not.toContain('binding-canary')
  })

  it('keeps an error type, message and stack, with secrets scrubbed from them and its properties', () => {
    const { log, out, line } = capture()
    const error = Object.assign(new Error('login failed for postgres://u:errpass-canary@h/db'), {
      code: 'E_AUTH',
      config: { password: 'errprop-canary' },
    })
    log.error(error)
    expect(line().err).toMatchObject({ type: 'Error', code: 'E_AUTH', config: { password: '[REDACTED]' } })
    expect(line().err.stack).toContain('redaction.test.ts')
    expect(out.text()).not.toMatch(/errpass-canary|errprop-canary/)
  })

  it('serializes an error nested in an object instead of writing {}', () => {
    const { log, line } = capture()
    log.warn({ detail: { cause: new Error('nested failure') } }, 'wrapped')
    expect(line().detail.cause).toMatchObject({ name: 'Error', message: 'nested failure' })
  })

  it('logs a raw request with method, path and ip only (no headers, no query)', () => {
    const { log, out, line } = capture()
    const req = {
      method: 'POST',
      url: '/login?token=req-canary',
      headers: { cookie: 'sid=req-cookie-canary' },
      socket: { remoteAddress: '10.1.2.3' },
    }
    log.info({ req, res: { statusCode: 201, getHeaders: () => ({}) } })
    expect(line()).toMatchObject({
      req: { method: 'POST', path: '/login', ip: '10.1.2.3' },
      res: { status: 201 },
    })
    expect(out.text()).not.toMatch(/req-canary|req-cookie-canary/)
  })
})
