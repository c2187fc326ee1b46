import { isKitError, silentLogger } from '@kit/internal'
import express from 'express'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { healthRoutes, loadShedding } from '../src/express.ts'
import { kitHealth } from '../src/fastify.ts'
import { createHealth, dbCheck, errors, mailerCheck, redisCheck } from '../src/index.ts'
import type { HealthOptions } from '../src/options.ts'
import { parseOptions } from '../src/parse-options.ts'
import { memoryLogger } from './helpers.ts'

/** Calls `fn` and returns the KitError it throws (failing when it throws nothing or something else). */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (error) {
    if (isKitError(error)) return error
    throw error
  }
  throw new Error('expected a KitError')
}

function create(options: unknown, env: Record<string, string> = {}) {
  const health = createHealth({ systemChecks: false, ...(options as HealthOptions) }, { env })
  health.close()
  return health
}

describe('unknown options', () => {
  it('rejects a misspelt option and suggests the right one', () => {
    const error = thrown(() => create({ shutdownTimeout: 1000 }))
    expect(error.code).toBe('KIT_HEALTH_INVALID_OPTION')
    expect(error.message).toContain(
      'Unknown createHealth() option "shutdownTimeout". Did you mean "shutdownTimeoutMs"?',
    )
  })

  it('rejects unknown keys of paths and loadShedding', () => {
    expect(thrown(() => create({ paths: { readiness: '/r' } })).message).toContain('Did you mean "ready"?')
    expect(thrown(() => create({ loadShedding: { maxEventLoopDelay: 10 } })).message).toContain(
      'Did you mean "maxEventLoopDelayMs"?',
    )
  })

  it('rejects options that are not an object', () => {
    expect(thrown(() => createHealth('fast' as never)).message).toContain(
      'options must be an object, got "fast"',
    )
  })
})

describe('shutdownTimeoutMs', () => {
  it('reads SHUTDOWN_TIMEOUT_MS as a string from env, and code beats env', async () => {
    const fromEnv = createHealth(
      { systemChecks: false, shutdownTimeoutMs: undefined },
      { env: { SHUTDOWN_TIMEOUT_MS: '300' } },
    )
    fromEnv.addShutdownHook({ name: 'never', timeoutMs: 60_000, close: () => new Promise(() => {}) })
    const started = Date.now()
    expect((await fromEnv.shutdown()).timedOut).toBe(true)
    expect(Date.now() - started).toBeLessThan(2000)

    const fromCode = createHealth(
      { systemChecks: false, shutdownTimeoutMs: 200 },
      { env: { SHUTDOWN_TIMEOUT_MS: '60000' } },
    )
    fromCode.addShutdownHook({ name: 'never', timeoutMs: 60_000, close: () => new Promise(() => {}) })
    expect((await fromCode.shutdown()).timedOut).toBe(true)
  })

  it.each([
    ['25s', 25_000],
    ['1m', 60_000],
    ['25000', 25_000],
  ])('reads SHUTDOWN_TIMEOUT_MS=%s as @kit/env does (%i ms)', (value, ms) => {
    expect(parseOptions({}, { SHUTDOWN_TIMEOUT_MS: value }, silentLogger).shutdownTimeoutMs).toBe(ms)
  })

  it.each([
    ['0', 'SHUTDOWN_TIMEOUT_MS must be a whole number of at least 1, got "0"'],
    ['soon', 'SHUTDOWN_TIMEOUT_MS must be a whole number of at least 1, got "soon"'],
    ['-5', 'got "-5"'],
  ])('rejects SHUTDOWN_TIMEOUT_MS=%s', (value, message) => {
    const error = thrown(() => create({}, { SHUTDOWN_TIMEOUT_MS: value }))
    expect(error.code).toBe('KIT_HEALTH_INVALID_OPTION')
    expect(error.message).toContain(message)
  })

  it.each([[1.5], [-1], [Number.NaN], ['100' as unknown as number]])(
    'rejects shutdownTimeoutMs: %s',
    (value) => {
      expect(thrown(() => create({ shutdownTimeoutMs: value })).message).toMatch(/^shutdownTimeoutMs must be/)
    },
  )

  it('warns once when the deadline is past the 30 s platforms allow', () => {
    const log = memoryLogger()
    createHealth({ systemChecks: false, shutdownTimeoutMs: 40_000 }, { log }).close()
    expect(log.messages('warn')).toHaveLength(1)
    expect(log.messages('warn')[0]).toMatch(/shutdown deadline is 40000 ms; Heroku and Kamal kill/)
  })
})

describe('readinessDelayMs', () => {
  it('rejects a readiness delay as long as the deadline', () => {
    const error = thrown(() => create({}, { SHUTDOWN_READINESS_DELAY_MS: '25000' }))
    expect(error.message).toContain('The readiness delay (25000 ms')
    expect(error.message).toContain('must be shorter than the shutdown deadline (25000 ms')
  })

  it('accepts the Kubernetes advice of 5 s under the default deadline', () => {
    expect(() => create({}, { SHUTDOWN_READINESS_DELAY_MS: '5000' })).not.toThrow()
  })
})

describe('token', () => {
  it('warns when the token is short enough to guess', () => {
    const log = memoryLogger()
    createHealth({ systemChecks: false, token: 'short' }, { log }).close()
    expect(log.messages('warn')[0]).toMatch(/shorter than 16 characters/)
    expect(log.messages('warn')[0]).not.toContain('short"')
  })

  it('rejects an empty token given in code', () => {
    expect(thrown(() => create({ token: '' })).message).toContain('must be a non-empty string')
  })

  it('ignores an empty KIT_HEALTH_TOKEN (an unset variable in a .env file)', () => {
    expect(() => create({}, { KIT_HEALTH_TOKEN: '' })).not.toThrow()
  })

  it('never echoes a long bad value', () => {
    const secretish = 'x'.repeat(64)
    const error = thrown(() => create({ paths: { live: secretish } }))
    expect(error.message).not.toContain(secretish)
    expect(error.message).toContain('a string of 64 characters')
  })
})

describe('paths', () => {
  it.each([
    [{ live: 'health' }, 'paths.live must be a path starting with "/"'],
    [{ ready: '/ready?x=1' }, 'without query string'],
    [{ up: 5 }, 'paths.up must be a path'],
    [{ live: '/same', ready: '/SAME/' }, 'paths.ready and paths.live are both "/SAME/"'],
    [{ up: '/health' }, 'paths.up and paths.summary are both "/health"'],
  ])('rejects %o', (paths, message) => {
    expect(thrown(() => create({ paths })).message).toContain(message)
  })
})

describe('loadShedding', () => {
  it.each([
    [{ maxEventLoopUtilization: 1.5 }, 'maxEventLoopUtilization must be a fraction between 0 and 1'],
    [{ maxHeapUsedBytes: -1 }, 'loadShedding.maxHeapUsedBytes must be a whole number of bytes'],
    [{ sampleIntervalMs: 1 }, 'loadShedding.sampleIntervalMs must be a whole number of at least 10'],
    [{ retryAfterSeconds: 0 }, 'loadShedding.retryAfterSeconds must be a whole number of at least 1'],
    [{ sustainedMs: -5 }, 'loadShedding.sustainedMs must be a whole number of at least 0'],
    [{ warmUpMs: 1.5 }, 'loadShedding.warmUpMs must be a whole number of at least 0'],
    [{ enforce: 'yes' }, 'loadShedding.enforce must be true or false, got "yes"'],
    [true, 'loadShedding must be an object or false, got true'],
  ])('rejects %o', (loadShedding, message) => {
    expect(thrown(() => create({ loadShedding })).message).toContain(message)
  })
})

describe('signals and exit', () => {
  it('rejects signals that are not signal names', () => {
    expect(thrown(() => create({ signals: ['TERM'] })).message).toContain("['SIGTERM', 'SIGINT']")
    expect(thrown(() => create({ signals: 'SIGTERM' })).message).toContain('signals must be a list')
  })

  it('rejects an exit that is neither a function nor false', () => {
    expect(thrown(() => create({ exit: true })).message).toBe(
      'exit must be a function (code) => void or false, got true.',
    )
  })
})

describe('checks', () => {
  it('accepts { name: fn } and { name: { check } } from the config', () => {
    expect(() => create({ checks: { a: () => {}, b: { critical: false, check: () => {} } } })).not.toThrow()
  })

  it.each([
    [{ checks: { a: 'yes' } }, 'Health check "a" needs a check function, got "yes"'],
    [
      { checks: { a: { check: () => {}, timeoutMs: 0 } } },
      'timeoutMs must be a whole number of milliseconds of at least 1',
    ],
    [{ checks: { a: { check: () => {}, cacheForMs: -1 } } }, 'cacheForMs must be a whole number'],
    [{ checks: { a: { check: () => {}, critical: 'no' } } }, 'critical must be true or false, got "no"'],
    [{ checks: [() => {}] }, 'checks must be an object of { name: fn | { check } }, got an array'],
    [{ checks: 'db' }, 'checks must be an object'],
  ])('rejects %o', (options, message) => {
    const error = thrown(() => create(options))
    expect(error.message).toContain(message)
  })

  it('rejects a second check with the same name, and one without a name', () => {
    const health = create({ checks: { db: () => {} } })
    expect(thrown(() => health.addCheck({ name: 'db', check: () => {} })).message).toContain(
      'A health check named "db" is already registered',
    )
    expect(thrown(() => health.addCheck({ name: '', check: () => {} })).code).toBe('KIT_HEALTH_INVALID_CHECK')
  })

  it('rejects built-in checks given the wrong client', () => {
    expect(thrown(() => dbCheck({} as never)).message).toContain('needs a knex instance')
    expect(thrown(() => redisCheck(undefined as never)).message).toContain('needs an ioredis client')
    expect(thrown(() => mailerCheck({ send() {} } as never)).message).toContain(
      'needs an object with verify()',
    )
  })
})

describe('addShutdownHook', () => {
  it.each([
    [{ close: () => {} }, 'A shutdown hook needs a name'],
    [{ name: 'db' }, 'Shutdown hook "db" needs a close function'],
    [{ name: 'db', close: () => {}, timeoutMs: 'soon' }, 'timeoutMs must be a whole number'],
  ])('rejects %o', (hook, message) => {
    const error = thrown(() => create({}).addShutdownHook(hook as never))
    expect(error.code).toBe('KIT_HEALTH_INVALID_HOOK')
    expect(error.message).toContain(message)
  })
})

describe('waitFor', () => {
  it('rejects something that is not a promise', () => {
    expect(thrown(() => create({}).waitFor('db', 5 as never)).code).toBe('KIT_HEALTH_INVALID_TASK')
  })
})

describe('attach', () => {
  it('names the fix when given the Express app or the Fastify instance', async () => {
    const health = create({})
    expect(thrown(() => health.attach(express() as never)).message).toContain(
      'It looks like an Express app: pass the server `app.listen()` returns.',
    )
    const fastify = Fastify()
    expect(thrown(() => health.attach(fastify as never)).message).toContain('pass `fastify.server`')
    expect(thrown(() => health.attach(null as never)).code).toBe('KIT_HEALTH_NOT_A_SERVER')
    await fastify.close()
  })
})

describe('adapters', () => {
  it('catches app.use(healthRoutes) and app.use(loadShedding) without the call', () => {
    const req = { headers: {}, method: 'GET', url: '/' }
    expect(thrown(() => healthRoutes(req as never)).message).toContain('app.use(healthRoutes(health))')
    expect(thrown(() => loadShedding(undefined as never)).code).toBe('KIT_HEALTH_MIDDLEWARE_NOT_CALLED')
  })

  it('catches fastify.register(kitHealth) without the health instance', async () => {
    const fastify = Fastify()
    await expect(fastify.register(kitHealth, {} as never).ready()).rejects.toThrow(
      'fastify.register(kitHealth, { health })',
    )
    await fastify.close()
  })
})

describe('errors table', () => {
  it('documents every code thrown by the package', () => {
    expect(Object.keys(errors).sort()).toEqual([
      'KIT_HEALTH_INVALID_CHECK',
      'KIT_HEALTH_INVALID_HOOK',
      'KIT_HEALTH_INVALID_OPTION',
      'KIT_HEALTH_INVALID_TASK',
      'KIT_HEALTH_MIDDLEWARE_NOT_CALLED',
      'KIT_HEALTH_NOT_A_SERVER',
    ])
  })
})
