import { isKitError } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'
import { createRateLimits, type RateLimitOptions, type RateLimits } from '../src/index.ts'
import { RecordingLogger } from './helpers/logs.ts'

const created: RateLimits[] = []
function make(options?: RateLimitOptions, context?: Parameters<typeof createRateLimits>[1]): RateLimits {
  const limits = createRateLimits(options, context)
  created.push(limits)
  return limits
}
afterEach(async () => {
  for (const limits of created.splice(0)) await limits.close()
})

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (error) {
    if (isKitError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a KitError')
}

describe('tiers', () => {
  it('has global, auth and ai tiers with the documented defaults', () => {
    const limits = make()
    expect(limits.tier('global')).toMatchObject({ limit: 100, windowMs: 60_000, failClosed: false })
    expect(limits.tier('auth')).toMatchObject({ limit: 5, windowMs: 60_000 })
    expect(limits.tier('ai')).toMatchObject({ limit: 20, windowMs: 60_000 })
  })

  it('reads the *_PER_MINUTE variables, as parsed numbers or raw strings', () => {
    const limits = make(
      {},
      {
        env: { RATE_LIMIT_PER_MINUTE: 300, AUTH_RATE_LIMIT_PER_MINUTE: '7', AI_RATE_LIMIT_PER_MINUTE: ' 9 ' },
      },
    )
    expect([limits.tier('global').limit, limits.tier('auth').limit, limits.tier('ai').limit]).toEqual([
      300, 7, 9,
    ])
  })

  it('lets options given in code beat env', () => {
    const limits = make({ tiers: { ai: { perMinute: 3 } } }, { env: { AI_RATE_LIMIT_PER_MINUTE: 50 } })
    expect(limits.tier('ai').limit).toBe(3)
  })

  it('adds named tiers with perMinute or limit and windowMs', () => {
    const limits = make({ tiers: { search: { perMinute: 30 }, export: { limit: 2, windowMs: 3_600_000 } } })
    expect(limits.tier('search')).toMatchObject({ limit: 30, windowMs: 60_000 })
    expect(limits.tier('export')).toMatchObject({ limit: 2, windowMs: 3_600_000 })
  })

  it('changes only the window of a built-in tier when given windowMs alone', () => {
    expect(make({ tiers: { auth: { windowMs: 120_000 } } }).tier('auth')).toMatchObject({
      limit: 5,
      windowMs: 120_000,
    })
  })

  it.each([0, -1, 1.5, '5', Number.NaN, null])('rejects perMinute %s', (perMinute) => {
    const error = thrown(() => make({ tiers: { ai: { perMinute: perMinute as number } } }))
    expect(error.code).toBe('KIT_RATE_LIMIT_INVALID_OPTION')
    expect(error.message).toContain('rateLimit.tiers.ai.perMinute')
  })

  it('rejects a tier with both perMinute and limit', () => {
    expect(thrown(() => make({ tiers: { ai: { perMinute: 5, limit: 5 } } })).code).toBe(
      'KIT_RATE_LIMIT_INVALID_OPTION',
    )
  })

  it('rejects a new tier without a limit, saying what to add', () => {
    const error = thrown(() => make({ tiers: { search: {} } }))
    expect(error.code).toBe('KIT_RATE_LIMIT_INVALID_OPTION')
    expect(error.message).toContain('rateLimit.tiers.search.perMinute')
  })

  it('rejects a window under one second', () => {
    expect(thrown(() => make({ tiers: { search: { limit: 1, windowMs: 10 } } })).message).toContain(
      'windowMs',
    )
  })

  it('rejects tier names that cannot go into a header or a Redis key', () => {
    expect(thrown(() => make({ tiers: { 'a b': { perMinute: 1 } } })).code).toBe(
      'KIT_RATE_LIMIT_INVALID_OPTION',
    )
    expect(thrown(() => make({ tiers: { 'login/x': { perMinute: 1 } } })).code).toBe(
      'KIT_RATE_LIMIT_INVALID_OPTION',
    )
  })

  it('suggests the right spelling of a tier option', () => {
    const error = thrown(() => make({ tiers: { ai: { perMinut: 5 } as never } }))
    expect(error.code).toBe('KIT_RATE_LIMIT_UNKNOWN_OPTION')
    expect(error.message).toContain('Did you mean `perMinute`?')
  })
})

describe('unknown options', () => {
  it('names the misspelled option and the likely one', () => {
    const error = thrown(() => make({ failClose: ['auth'] } as never))
    expect(error.code).toBe('KIT_RATE_LIMIT_UNKNOWN_OPTION')
    expect(error.message).toContain('rateLimit.failClose')
    expect(error.message).toContain('Did you mean `failClosed`?')
  })

  it('ignores options explicitly set to undefined', () => {
    expect(make({ routes: undefined, keyBy: undefined }).enabled).toBe(true)
  })
})

describe('routes', () => {
  it('maps path prefixes to tiers by whole segments, longest first', () => {
    const limits = make({
      tiers: { strict: { perMinute: 1 } },
      routes: { '/auth': 'auth', '/api/ai': 'ai', '/api/ai/admin': 'strict' },
    })
    expect(limits.tierForPath('/auth/login').name).toBe('auth')
    expect(limits.tierForPath('/auth').name).toBe('auth')
    expect(limits.tierForPath('/authors').name).toBe('global')
    expect(limits.tierForPath('/api/ai/complete?x=1').name).toBe('ai')
    expect(limits.tierForPath('/api/ai/admin/users').name).toBe('strict')
    expect(limits.tierForPath('/').name).toBe('global')
  })

  it('matches case, encoding and slash variants the routers accept', () => {
    const limits = make({ routes: { '/auth': 'auth' } })
    for (const path of ['/AUTH/login', '/%61uth/login', '//auth//login', '/auth/login/', '/Auth?x=/y']) {
      expect(limits.tierForPath(path).name, path).toBe('auth')
    }
  })

  it('rejects a route to an undefined tier with a suggestion', () => {
    const error = thrown(() => make({ routes: { '/auth': 'auht' } }))
    expect(error.code).toBe('KIT_RATE_LIMIT_UNKNOWN_TIER')
    expect(error.message).toContain("rateLimit.routes['/auth']")
    expect(error.message).toContain('Did you mean `auth`?')
  })

  it('rejects a prefix without a leading slash', () => {
    expect(thrown(() => make({ routes: { auth: 'auth' } })).message).toContain("must start with '/'")
  })
})

describe('failClosed', () => {
  it('marks the listed tiers fail-closed and only them', () => {
    const limits = make({ failClosed: ['auth'] })
    expect(limits.tier('auth').failClosed).toBe(true)
    expect(limits.tier('global').failClosed).toBe(false)
    expect(limits.bruteForce?.failClosed).toBe(true)
  })

  it('rejects unknown tiers and non-lists', () => {
    expect(thrown(() => make({ failClosed: ['nope'] })).code).toBe('KIT_RATE_LIMIT_UNKNOWN_TIER')
    expect(thrown(() => make({ failClosed: 'auth' as never })).code).toBe('KIT_RATE_LIMIT_INVALID_OPTION')
  })
})

describe('enabled', () => {
  it('is on by default and off with RATE_LIMIT_ENABLED=false', () => {
    expect(make().enabled).toBe(true)
    expect(make({}, { env: { RATE_LIMIT_ENABLED: 'false' } }).enabled).toBe(false)
    expect(make({}, { env: { RATE_LIMIT_ENABLED: false } }).enabled).toBe(false)
  })

  it('lets the option beat the env', () => {
    expect(make({ enabled: true }, { env: { RATE_LIMIT_ENABLED: 'false' } }).enabled).toBe(true)
  })

  it('rejects an unreadable RATE_LIMIT_ENABLED and a non-boolean option', () => {
    expect(thrown(() => make({}, { env: { RATE_LIMIT_ENABLED: 'maybe' } })).code).toBe(
      'KIT_RATE_LIMIT_INVALID_ENV',
    )
    expect(thrown(() => make({ enabled: 'no' as never })).code).toBe('KIT_RATE_LIMIT_INVALID_OPTION')
  })
})

describe('env', () => {
  it.each(['0', '-3', 'lots', '2.5'])('rejects RATE_LIMIT_PER_MINUTE=%s naming the variable', (value) => {
    const error = thrown(() => make({}, { env: { RATE_LIMIT_PER_MINUTE: value } }))
    expect(error.code).toBe('KIT_RATE_LIMIT_INVALID_ENV')
    expect(error.message).toContain('RATE_LIMIT_PER_MINUTE')
  })

  it('warns once in production when counters live in memory', () => {
    const log = new RecordingLogger()
    make({}, { env: { NODE_ENV: 'production' }, log })
    expect(log.problems()).toHaveLength(1)
    expect(log.problems()[0]!.message).toContain('REDIS_URL')
  })

  it('does not warn when every limiter counts in a store of its own', async () => {
    const { MemoryStore: ErlMemoryStore } = await import('express-rate-limit')
    const shared = () =>
      Object.assign(new ErlMemoryStore(), { localKeys: false, prefix: String(Math.random()) })
    const log = new RecordingLogger()
    const tiers = Object.fromEntries(
      ['global', 'auth', 'ai', 'reports'].map((name) => [name, { store: shared() }]),
    )
    make({ tiers, bruteForce: false }, { env: { NODE_ENV: 'production' }, log })
    expect(log.problems()).toEqual([])
  })

  it('does not warn outside production', () => {
    const log = new RecordingLogger()
    make({}, { env: { NODE_ENV: 'development' }, log })
    expect(log.problems()).toEqual([])
  })
})

describe('ipv6Subnet', () => {
  it('defaults to /56 and accepts 32–64', () => {
    expect(make().config.ipv6Subnet).toBe(56)
    expect(make({ ipv6Subnet: 64 }).config.ipv6Subnet).toBe(64)
  })

  it.each([16, 65, 128, 56.5])('rejects %s', (subnet) => {
    expect(thrown(() => make({ ipv6Subnet: subnet })).message).toContain('rateLimit.ipv6Subnet')
  })
})

describe('headers, timeouts, prefix, keyBy', () => {
  it('accepts draft-8, draft-7, draft-6, legacy and false, nothing else', () => {
    expect(make().config.headers).toEqual({ standard: 'draft-8', legacy: false })
    expect(make({ headers: 'draft-7' }).config.headers).toEqual({ standard: 'draft-7', legacy: false })
    expect(make({ headers: 'legacy' }).config.headers).toEqual({ standard: false, legacy: true })
    expect(make({ headers: false }).config.headers).toEqual({ standard: false, legacy: false })
    expect(thrown(() => make({ headers: 'draft-9' as never })).code).toBe('KIT_RATE_LIMIT_INVALID_OPTION')
  })

  it('validates storeTimeoutMs, warnIntervalMs and prefix', () => {
    expect(make().config).toMatchObject({ storeTimeoutMs: 500, warnIntervalMs: 60_000, prefix: 'kit:rl:' })
    expect(thrown(() => make({ storeTimeoutMs: 0 })).message).toContain('storeTimeoutMs')
    expect(thrown(() => make({ warnIntervalMs: -1 })).message).toContain('warnIntervalMs')
    expect(thrown(() => make({ prefix: '' })).message).toContain('prefix')
  })

  it('requires keyBy to be a function', () => {
    expect(thrown(() => make({ keyBy: 'user.id' as never })).message).toContain('rateLimit.keyBy')
  })
})

describe('bruteForce', () => {
  it('defaults to the launch plans: 100 failures per IP per hour, 10 per account', () => {
    expect(make().bruteForce?.config).toMatchObject({
      perIp: 100,
      perAccount: 10,
      windowMs: 3_600_000,
      blockMs: 3_600_000,
      resetOnSuccess: true,
    })
  })

  it('is off with false', () => {
    expect(make({ bruteForce: false }).bruteForce).toBeUndefined()
  })

  it('rejects bad values, naming them', () => {
    expect(thrown(() => make({ bruteForce: { perIp: 0 } })).message).toContain('rateLimit.bruteForce.perIp')
    expect(thrown(() => make({ bruteForce: { paths: [] } })).message).toContain('rateLimit.bruteForce.paths')
    expect(thrown(() => make({ bruteForce: { paths: ['login'] } })).message).toContain("start with '/'")
    expect(thrown(() => make({ bruteForce: { account: 'email' as never } })).message).toContain('account')
    expect(thrown(() => make({ bruteForce: { perAcount: 3 } as never })).message).toContain('perAccount')
  })
})

describe('redis', () => {
  it('rejects something that is not an ioredis client', () => {
    const error = thrown(() => make({}, { redis: { get() {} } as never }))
    expect(error.code).toBe('KIT_RATE_LIMIT_INVALID_REDIS_CLIENT')
  })
})
