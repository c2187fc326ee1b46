import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { MemoryStream, WORKSPACE_ROOT } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, type LoggerOptions } from '../src/index.ts'

function capture(options: LoggerOptions = {}, env: Record<string, string> = { NODE_ENV: 'production' }) {
  const out = new MemoryStream()
  const log = createLogger({ ...options, destination: out }, { env })
  return { log, out }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('level', () => {
  it('reads LOG_LEVEL from the env', () => {
    const { log, out } = capture({}, { NODE_ENV: 'production', LOG_LEVEL: 'warn' })
    log.info('hidden')
    log.warn('shown')
    expect(out.lines().map((l) => l.msg)).toEqual(['shown'])
  })

  it('accepts any case and surrounding spaces', () => {
    expect(capture({}, { NODE_ENV: 'production', LOG_LEVEL: ' DEBUG ' }).log.level).toBe('debug')
  })

  it('lets the option beat the env', () => {
    expect(capture({ level: 'error' }, { NODE_ENV: 'production', LOG_LEVEL: 'debug' }).log.level).toBe(
      'error',
    )
  })

  it('defaults to debug in development and info elsewhere', () => {
    expect(capture({}, { NODE_ENV: 'development' }).log.level).toBe('debug')
    expect(capture({}, { NODE_ENV: 'production' }).log.level).toBe('info')
    expect(capture({}, { NODE_ENV: 'test' }).log.level).toBe('info')
  })

  it('writes nothing at silent', () => {
    const { log, out } = capture({ level: 'silent' })
    log.fatal('nothing')
    expect(out.text()).toBe('')
  })

  it('refuses an unknown LOG_LEVEL, naming it and the valid levels', () => {
    const error = thrown(() => capture({}, { NODE_ENV: 'production', LOG_LEVEL: 'verbose' }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_LEVEL')).toBe(true)
    expect((error as Error).message).toContain('LOG_LEVEL is "verbose"')
    expect((error as Error).message).toContain('fatal, error, warn, info, debug, trace, silent')
  })

  it('refuses an unknown level option', () => {
    const error = thrown(() => capture({ level: 'loud' as never }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_LEVEL')).toBe(true)
    expect((error as Error).message).toContain('The `level` option is "loud"')
  })
})

describe('service, release and base', () => {
  it('puts env, service, release, pid, hostname and extra base fields on every line', () => {
    const { log, out } = capture({ service: 'shop', release: 'v42', base: { region: 'eu' } })
    log.info('one')
    log.child({ module: 'cart' }).warn('two')
    for (const line of out.lines()) {
      expect(line).toMatchObject({
        env: 'production',
        service: 'shop',
        release: 'v42',
        region: 'eu',
        pid: process.pid,
      })
      expect(typeof line.hostname).toBe('string')
    }
    expect(out.lines()).toHaveLength(2)
  })

  it('leaves service and release out when not given', () => {
    const { log, out } = capture()
    log.info('x')
    expect(out.lines()[0]).not.toHaveProperty('service')
    expect(out.lines()[0]).not.toHaveProperty('release')
  })
})

describe('destination', () => {
  it('writes JSON lines to the given stream', () => {
    const { log, out } = capture()
    log.info({ n: 1 }, 'hello')
    expect(out.lines()[0]).toMatchObject({ level: 30, n: 1, msg: 'hello' })
  })
})

describe('invalid options', () => {
  it.each<[string, LoggerOptions]>([
    ['service', { service: 42 as never }],
    ['release', { release: {} as never }],
    ['base', { base: 'x' as never }],
    ['pretty', { pretty: 'yes' as never }],
    ['redactKeys', { redactKeys: [''] }],
    ['redactKeys', { redactKeys: 'token' as never }],
    ['destination', { destination: {} as never }],
  ])('refuses a bad %s, naming the option', (name, options) => {
    const error = thrown(() => createLogger(options, { env: { NODE_ENV: 'production' } }))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain(`\`${name}\``)
  })
})

describe('pretty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-logger-pretty-'))
  const script = join(dir, 'app.ts')
  writeFileSync(
    script,
    `import { createLogger } from '${join(WORKSPACE_ROOT, 'packages/logger/src/index.ts')}'\ncreateLogger().info({ answer: 42 }, 'pretty check')\n`,
  )
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const node = `${process.execPath} --import tsx --conditions=@kit/source ${script}`
  const run = (nodeEnv: string, tty: boolean) => {
    const env = { ...process.env, NODE_ENV: nodeEnv, LOG_LEVEL: 'info' }
    // `script` gives the child a real terminal on stdout; without it stdout is a pipe.
    const result = tty
      ? spawnSync('script', ['-qec', node, '/dev/null'], {
          cwd: WORKSPACE_ROOT,
          env,
          encoding: 'utf8',
          timeout: 20_000,
        })
      : spawnSync('sh', ['-c', node], { cwd: WORKSPACE_ROOT, env, encoding: 'utf8', timeout: 20_000 })
    expect(result.status).toBe(0)
    return result.stdout
  }

  it('is off in development when stdout is not a TTY: JSON lines', () => {
    const out = run('development', false)
    expect(JSON.parse(out.trim())).toMatchObject({ msg: 'pretty check', answer: 42 })
  })

  it('is on in development on a TTY when pino-pretty is installed', () => {
    const out = run('development', true)
    expect(out).toContain('INFO')
    expect(out).toContain('pretty check')
    expect(out.trim().startsWith('{')).toBe(false)
  })

  it('is off in production even on a TTY', () => {
    const out = run('production', true)
    expect(JSON.parse(out.trim())).toMatchObject({ msg: 'pretty check' })
  })

  it('can be forced on, into a given destination', async () => {
    const out = new MemoryStream()
    const log = createLogger({ pretty: true, destination: out }, { env: { NODE_ENV: 'production' } })
    log.info({ password: 'hunter2hunter2' }, 'forced pretty')
    // The pretty stream writes asynchronously: wait for the line, not for a guessed 50 ms.
    await expect.poll(() => out.text(), { timeout: 10_000 }).toContain('forced pretty')
    expect(out.text()).toContain('[REDACTED]')
    expect(out.text()).not.toContain('hunter2hunter2')
    expect(out.text().trim().startsWith('{')).toBe(false)
  })
})
