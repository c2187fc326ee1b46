/**
 * Issue 22: an app's existing pino instance is used by kit (its stream,
 * level, formatters and redact paths kept), with kit's redaction and request
 * ids on top, on Express and Fastify. On main before this change an
 * instance could not be passed at all.
 */
import { isKitError } from '@kit/internal'
import { MemoryStream } from '@kit/test-utils'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, isKitLogger, type LoggerOptions } from '../src/index.ts'
import { startApp, type TestApp, VARIANTS } from './apps.ts'

const env = { NODE_ENV: 'production' }

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

/** The app's own logger, as apps create it before adopting kit. */
function appPino(out: MemoryStream, options: pino.LoggerOptions = {}) {
  return pino({ level: 'debug', base: { app: 'legacy' }, redact: ['card.number'], ...options }, out)
}

describe('an existing pino instance', () => {
  it('is taken as `logger: instance` and as `{ instance }`, writing to its own stream', () => {
    for (const make of [
      (i: pino.Logger) => createLogger(i, { env }),
      (i: pino.Logger) => createLogger({ instance: i }, { env }),
    ]) {
      const out = new MemoryStream()
      const log = make(appPino(out))
      expect(isKitLogger(log)).toBe(true)
      log.info({ orderId: 1 }, 'paid')
      expect(out.lines()).toEqual([expect.objectContaining({ app: 'legacy', orderId: 1, msg: 'paid' })])
    }
  })

  it('keeps its redact paths and adds kit’s redaction of secrets (keys, messages, errors, child bindings)', () => {
    const out = new MemoryStream()
    const log = createLogger(appPino(out), { env })
    log.info({ card: { number: '4242424242424242' }, password: 'hunter22' }, 'token=abc123 sent')
    log.child({ apiKey: 'k-1' }).error(new Error('db down: postgres://app:pw@db/main'))
    const [first, second] = out.lines()
    expect(first).toMatchObject({
      card: { number: '[Redacted]' },
      password: '[REDACTED]',
      msg: 'token=[REDACTED] sent',
    })
    expect(second).toMatchObject({
      apiKey: '[REDACTED]',
      err: { message: 'db down: postgres://app:[REDACTED]@db/main' },
    })
  })

  it('keeps its messageKey, level formatter, log formatter, serializers and mixin; their output is redacted', () => {
    const out = new MemoryStream()
    const instance = appPino(out, {
      messageKey: 'message',
      formatters: {
        level: (label) => ({ severity: label }),
        log: (object) => ({ ...object, formatted: true }),
      },
      serializers: { user: (user: { id: number; token: string }) => ({ id: user.id, token: user.token }) },
      mixin: () => ({ region: 'eu', secret: 'mixed-in' }),
    })
    const log = createLogger(instance, { env })
    log.warn({ user: { id: 3, token: 't-1' } }, 'password=hunter22')
    expect(out.lines()[0]).toMatchObject({
      severity: 'warn',
      message: 'password=[REDACTED]',
      formatted: true,
      user: { id: 3, token: '[REDACTED]' },
      region: 'eu',
      secret: '[REDACTED]',
    })
  })

  it('keeps its level, even with LOG_LEVEL set; the `level` option beside it wins', () => {
    const quiet = createLogger(appPino(new MemoryStream(), { level: 'warn' }), {
      env: { ...env, LOG_LEVEL: 'debug' },
    })
    expect(quiet.level).toBe('warn')
    expect(createLogger({ instance: appPino(new MemoryStream()), level: 'error' }, { env }).level).toBe(
      'error',
    )
  })

  it('adds kit’s service, release and base fields given beside it', () => {
    const out = new MemoryStream()
    createLogger({ instance: appPino(out), service: 'shop', release: 'v9' }, { env }).info('x')
    expect(out.lines()[0]).toMatchObject({ app: 'legacy', service: 'shop', release: 'v9', env: 'production' })
  })

  it('returns a kit logger given as the instance as it is', () => {
    const log = createLogger({ destination: new MemoryStream() }, { env })
    expect(createLogger(log, { env })).toBe(log)
  })

  it('refuses pino options beside it, naming the option and where it belongs', () => {
    const error = thrown(() =>
      createLogger({ instance: appPino(new MemoryStream()), transport: { target: 'pino/file' } }, { env }),
    )
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain('`transport` cannot be combined with `instance`')
  })

  it('refuses something that is not a pino logger', () => {
    const winstonLike = { info() {}, child() {}, isLevelEnabled: () => true }
    const error = thrown(() => createLogger({ instance: winstonLike } as unknown as LoggerOptions, { env }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain('The `instance` option must be a pino logger')
  })

  it('refuses an instance without the levels kit writes at', () => {
    const only = pino(
      { customLevels: { audit: 35 }, useOnlyCustomLevels: true, level: 'audit' },
      new MemoryStream(),
    )
    const error = thrown(() => createLogger(only as unknown as pino.Logger, { env }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain('useOnlyCustomLevels')
  })
})

describe.each(VARIANTS)('requests logged through an existing pino instance on %s', (variant) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startApp(variant, {
      makeLog: (out) => createLogger(appPino(out, { mixin: () => ({ tenant: 'acme' }) }), { env }),
    })
  })
  afterAll(async () => {
    await app.close()
  })

  const get = (path: string, id: string, headers: Record<string, string> = {}) =>
    fetch(app.url + path, { headers: { 'x-request-id': id, ...headers }, signal: AbortSignal.timeout(5000) })

  it('writes the request line through the instance, with its fields and the request id', async () => {
    const id = `inst-line-${variant}`
    const res = await get('/users/7?token=abc', id)
    expect(res.headers.get('x-request-id')).toBe(id)
    expect(await app.requestLine(id)).toMatchObject({
      app: 'legacy',
      tenant: 'acme',
      method: 'GET',
      path: '/users/7',
      route: '/users/:id',
      status: 200,
    })
  })

  it('gives req.log and lines deep in the request the request id', async () => {
    const id = `inst-deep-${variant}`
    await get('/deep', id)
    await get('/users/8', `${id}-req-log`)
    await app.requestLine(id)
    await app.requestLine(`${id}-req-log`)
    expect(app.lines().find((l) => l.msg === 'deep in async code' && l.reqId === id)).toMatchObject({
      app: 'legacy',
      tenant: 'acme',
      step: 'deep',
    })
    expect(app.lines().find((l) => l.msg === 'from req.log' && l.reqId === `${id}-req-log`)).toMatchObject({
      tenant: 'acme',
    })
  })

  it('redacts headers logged in a handler', async () => {
    const id = `inst-headers-${variant}`
    await get('/log-headers', id, { authorization: 'Bearer abcdefghijklmnop', cookie: 'sid=s3cr3t' })
    await app.requestLine(id)
    const line = app.lines().find((l) => l.msg === 'headers seen' && l.reqId === id)
    expect(line?.headers).toMatchObject({ authorization: '[REDACTED]', cookie: '[REDACTED]' })
    expect(JSON.stringify(line)).not.toContain('s3cr3t')
  })
})
