/**
 * Issue 22: the pino options users already write are passed to pino with
 * kit's redaction kept on top, or refused by name; never silently ignored.
 * On main before this change every one of them was dropped.
 */
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { isKitError } from '@kit/internal'
import { MemoryStream } from '@kit/test-utils'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, flushLogger, type LoggerOptions } from '../src/index.ts'
import { REFUSED_OPTIONS } from '../src/pino-options.ts'

const env = { NODE_ENV: 'production' }

function capture(options: LoggerOptions) {
  const out = new MemoryStream()
  const log = createLogger({ ...options, destination: out }, { env })
  return { log, out, line: () => out.lines().at(-1) as Record<string, any> }
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

describe('pino options passed through', () => {
  it('messageKey: the message goes under it, still redacted', () => {
    const { log, line } = capture({ messageKey: 'message' })
    log.info('login with password=hunter22')
    expect(line().message).toBe('login with password=[REDACTED]')
    expect(line()).not.toHaveProperty('msg')
  })

  it('redact: the paths are redacted by pino and kit still redacts its own keys (merged, never replaced)', () => {
    const { log, line } = capture({ redact: ['user.email', 'card'] })
    log.info({ user: { email: 'a@example.com', password: 'hunter22' }, card: '4242', apiKey: 'k-123' }, 'x')
    expect(line().user).toEqual({ email: '[Redacted]', password: '[REDACTED]' })
    expect(line().card).toBe('[Redacted]')
    expect(line().apiKey).toBe('[REDACTED]')
  })

  it('redact with censor and remove', () => {
    const censored = capture({ redact: { paths: ['ssn'], censor: '***' } })
    censored.log.info({ ssn: '123-45-6789', token: 't' }, 'x')
    expect(censored.line()).toMatchObject({ ssn: '***', token: '[REDACTED]' })
    const removed = capture({ redact: { paths: ['ssn'], remove: true } })
    removed.log.info({ ssn: '123-45-6789' }, 'x')
    expect(removed.line()).not.toHaveProperty('ssn')
  })

  it('formatters: level renamed, log and bindings formatters run and their output is redacted', () => {
    const { log, line } = capture({
      formatters: {
        level: (label) => ({ severity: label.toUpperCase() }),
        log: (object) => ({ ...object, fromFormatter: 'yes', secret: 's3cr3t' }),
        bindings: (bindings) => ({ host: bindings.hostname, dbPassword: 'pw' }),
      },
    })
    log.warn({ a: 1 }, 'x')
    expect(line()).toMatchObject({ severity: 'WARN', a: 1, fromFormatter: 'yes', secret: '[REDACTED]' })
    expect(line().dbPassword).toBe('[REDACTED]')
    expect(line()).not.toHaveProperty('level')
  })

  it('serializers: the app’s own run for their keys, their output redacted', () => {
    const { log, line } = capture({
      serializers: { user: (user: { id: number; token: string }) => ({ id: user.id, token: user.token }) },
    })
    log.info({ user: { id: 7, token: 'abc', name: 'n' } }, 'x')
    expect(line().user).toEqual({ id: 7, token: '[REDACTED]' })
  })

  it('mixin: its fields are on every line, redacted', () => {
    const { log, line } = capture({ mixin: () => ({ region: 'eu-west', password: 'pw' }) })
    log.info('x')
    expect(line()).toMatchObject({ region: 'eu-west', password: '[REDACTED]' })
  })

  it('mixinMergeStrategy: the app’s strategy decides precedence', () => {
    const { log, line } = capture({
      mixin: () => ({ source: 'mixin' }),
      mixinMergeStrategy: (object, mixed) => Object.assign({}, object, mixed),
    })
    log.info({ source: 'call' }, 'x')
    expect(line().source).toBe('mixin')
  })

  it('timestamp: an ISO time', () => {
    const { log, line } = capture({ timestamp: pino.stdTimeFunctions.isoTime })
    log.info('x')
    expect(line().time).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('timestamp: false leaves the time out', () => {
    const { log, line } = capture({ timestamp: false })
    log.info('x')
    expect(line()).not.toHaveProperty('time')
  })

  it('customLevels: a custom level can be written and chosen as the level (LOG_LEVEL too)', () => {
    const { log, out } = capture({ customLevels: { audit: 35 }, level: 'audit' })
    ;(log as unknown as Record<string, (m: string) => void>).audit?.('audited')
    log.info('hidden')
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([[35, 'audited']])
    const fromEnv = createLogger(
      { customLevels: { audit: 35 }, destination: new MemoryStream() },
      { env: { ...env, LOG_LEVEL: 'audit' } },
    )
    expect(fromEnv.level).toBe('audit')
  })

  it('levelComparison: DESC reverses the order', () => {
    const { log, out } = capture({
      customLevels: { loud: 5 },
      levelComparison: 'DESC',
      level: 'info',
    })
    log.info('shown')
    log.error('hidden: 50 > 30 is below info in DESC order')
    expect(out.lines().map((l) => l.msg)).toEqual(['shown'])
  })

  it('base: null leaves out pid and hostname; an object adds fields', () => {
    const bare = capture({ base: null, service: 'shop' })
    bare.log.info('x')
    expect(bare.line()).not.toHaveProperty('pid')
    expect(bare.line()).not.toHaveProperty('hostname')
    expect(bare.line().service).toBe('shop')
    const extra = capture({ base: { region: 'eu' } })
    extra.log.info('x')
    expect(extra.line()).toMatchObject({ region: 'eu', env: 'production' })
    expect(extra.line().pid).toBe(process.pid)
  })

  it('name, msgPrefix, crlf', () => {
    const { log, out, line } = capture({ name: 'api', msgPrefix: '[jobs] ', crlf: true })
    log.info('started')
    expect(line()).toMatchObject({ name: 'api', msg: '[jobs] started' })
    expect(out.text().endsWith('}\r\n')).toBe(true)
  })

  it('errorKey: errors go under it, serialised and redacted', () => {
    const { log, line } = capture({ errorKey: 'error' })
    log.error(new Error('could not log in with password=hunter22'))
    expect(line().error).toMatchObject({
      type: 'Error',
      message: 'could not log in with password=[REDACTED]',
    })
  })

  it('nestedKey: fields are nested, still redacted', () => {
    const { log, line } = capture({ nestedKey: 'payload' })
    log.info({ orderId: 3, token: 'abc' }, 'x')
    expect(line().payload).toEqual({ orderId: 3, token: '[REDACTED]' })
  })

  it('enabled: false writes nothing', () => {
    const { log, out } = capture({ enabled: false })
    log.fatal('x')
    expect(out.text()).toBe('')
  })

  it('hooks: logMethod and streamWrite run; what streamWrite sees is already redacted', () => {
    const seen: string[] = []
    const { log, line } = capture({
      hooks: {
        logMethod(args, method) {
          method.apply(this, [`hooked: ${String(args[0])}`])
        },
        streamWrite(text) {
          seen.push(text)
          return text
        },
      },
    })
    log.info('password=hunter22')
    expect(line().msg).toBe('hooked: password=[REDACTED]')
    expect(seen.join('')).not.toContain('hunter22')
  })

  it('onChild: called for every child, bindings redacted', () => {
    const children: unknown[] = []
    const { log, line } = capture({ onChild: (child) => children.push(child) })
    log.child({ module: 'billing', apiKey: 'k' }).info('x')
    expect(children).toHaveLength(1)
    expect(line()).toMatchObject({ module: 'billing', apiKey: '[REDACTED]' })
  })
})

describe('transport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-logger-transport-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('pino/file: lines reach the file through the worker, redacted', async () => {
    const file = join(dir, 'app.log')
    const log = createLogger(
      { transport: { target: 'pino/file', options: { destination: file, mkdir: true } } },
      { env },
    )
    log.info({ password: 'hunter22', orderId: 9 }, 'through the transport')
    await flushLogger(log)
    const stream = (log as unknown as Record<symbol, Writable>)[pino.symbols.streamSym] as Writable
    const closed = once(stream, 'close')
    stream.end()
    await closed
    const lines = await readLines(file)
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'through the transport', orderId: 9, password: '[REDACTED]' }),
    ])
  })

  it('refuses a transport beside a destination or pretty: true, naming both', () => {
    const both = thrown(() =>
      createLogger({ transport: { target: 'pino/file' }, destination: new MemoryStream() }, { env }),
    )
    expect(isKitError(both, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(both.message).toContain('`transport` and `destination`')
    const pretty = thrown(() => createLogger({ transport: { target: 'pino/file' }, pretty: true }, { env }))
    expect(pretty.message).toContain('`transport` and `pretty`')
  })

  it('a transport target that cannot be found is a KitError naming pino’s reason', () => {
    const error = thrown(() =>
      createLogger({ transport: { target: 'pino-transport-that-does-not-exist' } }, { env }),
    )
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain('pino-transport-that-does-not-exist')
  })
})

describe('refused and unknown options', () => {
  it.each(Object.keys(REFUSED_OPTIONS))('refuses %s by name, with the reason', (key) => {
    const error = thrown(() => capture({ [key]: true } as LoggerOptions))
    expect(isKitError(error, 'KIT_LOGGER_UNSUPPORTED_OPTION')).toBe(true)
    expect(error.message).toContain(`\`${key}\` is not supported: `)
  })

  it('refuses an unknown key with the closest name', () => {
    const error = thrown(() => capture({ messagekey: 'message' } as LoggerOptions))
    expect(isKitError(error, 'KIT_LOGGER_UNKNOWN_OPTION')).toBe(true)
    expect(error.message).toContain('Did you mean `messageKey`?')
  })

  it.each([
    ['messageKey', 3],
    ['redact', 'password'],
    ['formatters', { level: 'upper' }],
    ['serializers', { user: true }],
    ['mixin', {}],
    ['customLevels', { audit: 'high' }],
    ['transport', { options: {} }],
    ['timestamp', 'iso'],
  ])('refuses a %s of the wrong shape, saying what it must be', (key, value) => {
    const error = thrown(() => capture({ [key]: value } as LoggerOptions))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain(`The pino option \`${key}\` must be`)
  })

  it('a redact path pino cannot parse is a KitError, not pino’s raw Error', () => {
    const error = thrown(() => capture({ redact: ['a..b'] }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain('pino refused the logger options')
  })

  it('a level that is neither pino’s nor a custom level lists both', () => {
    const error = thrown(() => capture({ customLevels: { audit: 35 }, level: 'verbose' }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_LEVEL')).toBe(true)
    expect(error.message).toContain('silent, audit')
  })
})

/** The file's JSON lines, once the worker has written them (bounded wait). */
async function readLines(file: string): Promise<Record<string, any>[]> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const text = (() => {
      try {
        return readFileSync(file, 'utf8')
      } catch {
        return ''
      }
    })()
    if (text.endsWith('\n') || Date.now() > deadline) {
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    }
    await sleep(20)
  }
}
