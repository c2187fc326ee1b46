import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStream } from '@kit/test-utils'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, flushLogger, loggerShutdownHook } from '../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'kit-logger-flush-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const env = { NODE_ENV: 'production' }

describe('flushLogger', () => {
  it('writes out every line an async destination still holds', async () => {
    const file = join(dir, 'async.log')
    const destination = pino.destination({ dest: file, sync: false, minLength: 4096, mkdir: true })
    await new Promise((resolve) => destination.once('ready', resolve))
    const log = createLogger({ destination }, { env })
    for (let i = 0; i < 500; i++) log.info({ i }, 'line')
    await flushLogger(log)
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(500)
    expect(JSON.parse(lines.at(-1) as string).i).toBe(499)
    destination.end()
  })

  it('flushes through a child logger too', async () => {
    const file = join(dir, 'child.log')
    const destination = pino.destination({ dest: file, sync: false, minLength: 4096 })
    await new Promise((resolve) => destination.once('ready', resolve))
    const child = createLogger({ destination }, { env }).child({ module: 'jobs' })
    child.info('from the child')
    await flushLogger(child)
    expect(readFileSync(file, 'utf8')).toContain('from the child')
    destination.end()
  })

  it('resolves at once for a plain stream', async () => {
    const out = new MemoryStream()
    const log = createLogger({ destination: out }, { env })
    log.info('kept')
    // A timeout far past the assertion: "at once" means it never waited for it, however busy the machine.
    const started = Date.now()
    await flushLogger(log, 20_000)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(out.lines()[0]?.msg).toBe('kept')
  })

  it('gives up after the timeout on a stream that never drains', async () => {
    const stuck = Object.assign(new MemoryStream(), {
      flush(_callback: () => void) {
        // never calls back
      },
    })
    const log = createLogger({ destination: stuck }, { env })
    const started = Date.now()
    await flushLogger(log, 100)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('loggerShutdownHook', () => {
  it('is a ShutdownHook named logger whose close() flushes', async () => {
    const file = join(dir, 'hook.log')
    const destination = pino.destination({ dest: file, sync: false, minLength: 4096 })
    await new Promise((resolve) => destination.once('ready', resolve))
    const log = createLogger({ destination }, { env })
    const hook = loggerShutdownHook(log)
    expect(hook.name).toBe('logger')
    expect(hook.timeoutMs).toBeGreaterThan(2000)
    log.info('last words')
    await hook.close()
    expect(readFileSync(file, 'utf8')).toContain('last words')
    destination.end()
  })
})
