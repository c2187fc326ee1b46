import { isKitError, KitError } from '@kit/internal'
import { DEFAULT_REQUEST_HEADERS, detectRelease, RELEASE_ENV_NAMES } from '@kit/sentry'
import { describe, expect, it } from 'vitest'
import { toDataCollection } from '../src/data-collection.ts'
import { parseSentryOptions } from '../src/options.ts'

const DSN = 'https://abc123@o1.ingest.sentry.io/42'

function thrown(fn: () => unknown): KitError {
  try {
    fn()
  } catch (error) {
    if (error instanceof KitError) return error
    throw error
  }
  throw new Error('expected a KitError')
}

describe('dsn', () => {
  it('is read from SENTRY_DSN', () => {
    expect(parseSentryOptions({}, { SENTRY_DSN: DSN }).dsn).toBe(DSN)
  })

  it('from code beats SENTRY_DSN', () => {
    const other = 'https://key@sentry.example.com/7'
    expect(parseSentryOptions({ dsn: other }, { SENTRY_DSN: DSN }).dsn).toBe(other)
  })

  it('is off when unset, empty or blank', () => {
    expect(parseSentryOptions({}, {}).dsn).toBeUndefined()
    expect(parseSentryOptions({}, { SENTRY_DSN: '' }).dsn).toBeUndefined()
    expect(parseSentryOptions({}, { SENTRY_DSN: '   ' }).dsn).toBeUndefined()
  })

  it('accepts a self-hosted http DSN', () => {
    expect(parseSentryOptions({}, { SENTRY_DSN: 'http://public@127.0.0.1:9000/1' }).dsn).toBeDefined()
  })

  it.each([
    ['not a URL', 'sentry-key-5f2a9c'],
    ['no key', 'https://o1.ingest.sentry.io/42'],
    ['no project id', 'https://abc5f2a9c@o1.ingest.sentry.io/'],
    ['another scheme', 'redis://abc5f2a9c@o1.ingest.sentry.io/42'],
  ])('rejects %s with KIT_SENTRY_INVALID_DSN, without echoing the value', (_case, value) => {
    const error = thrown(() => parseSentryOptions({}, { SENTRY_DSN: value }))
    expect(error.code).toBe('KIT_SENTRY_INVALID_DSN')
    expect(error.message).toContain('SENTRY_DSN')
    expect(error.message).not.toContain('5f2a9c')
  })

  it('names the `dsn` option when the bad value came from code', () => {
    expect(thrown(() => parseSentryOptions({ dsn: 'nope' }, {})).message).toMatch(/^dsn is not a Sentry DSN/)
  })
})

describe('environment', () => {
  it('defaults to NODE_ENV, then production', () => {
    expect(parseSentryOptions({}, { NODE_ENV: 'staging' }).environment).toBe('staging')
    expect(parseSentryOptions({}, {}).environment).toBe('production')
  })

  it('SENTRY_ENVIRONMENT beats NODE_ENV, and code beats both', () => {
    const env = { NODE_ENV: 'production', SENTRY_ENVIRONMENT: 'eu-prod' }
    expect(parseSentryOptions({}, env).environment).toBe('eu-prod')
    expect(parseSentryOptions({ environment: 'canary' }, env).environment).toBe('canary')
  })

  it('rejects a non-string', () => {
    expect(thrown(() => parseSentryOptions({ environment: 3 as never }, {})).code).toBe(
      'KIT_SENTRY_INVALID_OPTION',
    )
  })
})

describe('release', () => {
  it('comes from SENTRY_RELEASE first', () => {
    const config = parseSentryOptions({}, { SENTRY_RELEASE: 'v1.2.3', HEROKU_SLUG_COMMIT: 'abc' })
    expect(config).toMatchObject({ release: 'v1.2.3', releaseSource: 'SENTRY_RELEASE' })
  })

  it.each([
    ['HEROKU_SLUG_COMMIT'],
    ['SOURCE_VERSION'],
    ['RENDER_GIT_COMMIT'],
    ['RAILWAY_GIT_COMMIT_SHA'],
    ['GIT_SHA'],
    ['HEROKU_BUILD_COMMIT'],
  ])('falls back to the platform commit in %s', (name) => {
    expect(detectRelease({ [name]: ' 0123abcd \n' })).toEqual({ release: '0123abcd', source: name })
  })

  it('follows the documented order when several are set', () => {
    const env = Object.fromEntries(
      RELEASE_ENV_NAMES.map((name) => [
        name,
        name === 'FLY_IMAGE_REF' ? 'registry.fly.io/a:deployment-1' : `from-${name}`,
      ]),
    )
    for (const name of RELEASE_ENV_NAMES) {
      expect(detectRelease(env)?.source).toBe(name)
      delete env[name]
    }
    expect(detectRelease(env)).toBeUndefined()
  })

  it("takes the deployment tag of Fly.io's FLY_IMAGE_REF (it was missing)", () => {
    expect(detectRelease({ FLY_IMAGE_REF: 'registry.fly.io/shop:deployment-01J2' })).toEqual({
      release: 'deployment-01J2',
      source: 'FLY_IMAGE_REF',
    })
  })

  it('skips empty values', () => {
    expect(detectRelease({ SENTRY_RELEASE: '', RENDER_GIT_COMMIT: 'def456' })?.release).toBe('def456')
  })

  it('from code beats env', () => {
    const config = parseSentryOptions({ release: 'web@2' }, { SENTRY_RELEASE: 'v1' })
    expect(config).toMatchObject({ release: 'web@2', releaseSource: 'release option' })
  })
})

describe('tracesSampleRate', () => {
  it('is 0 (tracing off) unless asked', () => {
    expect(parseSentryOptions({}, {}).tracesSampleRate).toBe(0)
    expect(parseSentryOptions({}, { SENTRY_TRACES_SAMPLE_RATE: '' }).tracesSampleRate).toBe(0)
  })

  it('is read from SENTRY_TRACES_SAMPLE_RATE, as a string or a parsed number', () => {
    expect(parseSentryOptions({}, { SENTRY_TRACES_SAMPLE_RATE: '0.25' }).tracesSampleRate).toBe(0.25)
    expect(parseSentryOptions({}, { SENTRY_TRACES_SAMPLE_RATE: 1 }).tracesSampleRate).toBe(1)
  })

  it('from code beats env', () => {
    expect(
      parseSentryOptions({ tracesSampleRate: 0.5 }, { SENTRY_TRACES_SAMPLE_RATE: '1' }).tracesSampleRate,
    ).toBe(0.5)
  })

  it.each([['abc'], ['2'], ['-0.1'], ['NaN'], ['Infinity']])(
    'rejects %j with KIT_SENTRY_INVALID_SAMPLE_RATE naming the value',
    (value) => {
      const error = thrown(() => parseSentryOptions({}, { SENTRY_TRACES_SAMPLE_RATE: value }))
      expect(error.code).toBe('KIT_SENTRY_INVALID_SAMPLE_RATE')
      expect(error.message).toContain('SENTRY_TRACES_SAMPLE_RATE')
      expect(error.message).toContain(JSON.stringify(value))
    },
  )

  it('rejects an out-of-range option, naming the option', () => {
    expect(thrown(() => parseSentryOptions({ tracesSampleRate: 3 }, {})).message).toMatch(/^tracesSampleRate/)
  })
})

describe('collect', () => {
  it('keeps every kind of personal data out by default', () => {
    const config = parseSentryOptions({}, {})
    expect(toDataCollection(config)).toEqual({
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: [...DEFAULT_REQUEST_HEADERS] }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      graphQL: { document: true, variables: false },
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    })
  })

  it('turns each switch on for teams that want more', () => {
    const config = parseSentryOptions(
      {
        collect: {
          cookies: true,
          queryStrings: true,
          requestBodies: true,
          userIp: true,
          localVariables: true,
          requestHeaders: ['X-Tenant'],
        },
      },
      {},
    )
    expect(toDataCollection(config)).toMatchObject({
      userInfo: true,
      cookies: true,
      httpHeaders: { request: { allow: ['x-tenant'] }, response: false },
      httpBodies: ['incomingRequest'],
      urlQueryParams: true,
      stackFrameVariables: true,
    })
  })

  it('sends every request header with requestHeaders: true', () => {
    const config = parseSentryOptions({ collect: { requestHeaders: true } }, {})
    expect(toDataCollection(config).httpHeaders).toEqual({ request: true, response: false })
  })

  it.each([
    [{ cookies: 'yes' }, 'collect.cookies'],
    [{ requestHeaders: 'x-tenant' }, 'collect.requestHeaders'],
    [{ requestHeaders: [''] }, 'collect.requestHeaders'],
  ])('rejects %j', (collect, name) => {
    const error = thrown(() => parseSentryOptions({ collect } as never, {}))
    expect(error.code).toBe('KIT_SENTRY_INVALID_OPTION')
    expect(error.message).toContain(name)
  })

  it('rejects a misspelt switch with a suggestion', () => {
    const error = thrown(() => parseSentryOptions({ collect: { query_strings: true } } as never, {}))
    expect(error.message).toContain('Did you mean `collect.queryStrings`?')
  })

  it('rejects a collect that is not an object', () => {
    expect(thrown(() => parseSentryOptions({ collect: true } as never, {})).message).toContain('collect')
  })
})

describe('redactKeys', () => {
  it('defaults to none and accepts a list of names', () => {
    expect(parseSentryOptions({}, {}).redactKeys).toEqual([])
    expect(parseSentryOptions({ redactKeys: ['ssn_last4'] }, {}).redactKeys).toEqual(['ssn_last4'])
  })

  it('rejects anything else', () => {
    expect(thrown(() => parseSentryOptions({ redactKeys: 'ssn' as never }, {})).code).toBe(
      'KIT_SENTRY_INVALID_OPTION',
    )
  })
})

describe('closeTimeoutMs', () => {
  it('defaults to 2000', () => {
    expect(parseSentryOptions({}, {}).closeTimeoutMs).toBe(2000)
  })

  it.each([[0], [-1], [1.5], ['100']])('rejects %j', (value) => {
    const error = thrown(() => parseSentryOptions({ closeTimeoutMs: value as never }, {}))
    expect(error.message).toContain('closeTimeoutMs')
  })
})

describe('debug', () => {
  it('follows SENTRY_DEBUG unless set in code', () => {
    expect(parseSentryOptions({}, {}).debug).toBe(false)
    expect(parseSentryOptions({}, { SENTRY_DEBUG: 'true' }).debug).toBe(true)
    expect(parseSentryOptions({ debug: false }, { SENTRY_DEBUG: '1' }).debug).toBe(false)
  })
})

describe('option names', () => {
  it('rejects an unknown option with a suggestion', () => {
    const error = thrown(() => parseSentryOptions({ traces_sample_rate: 1 } as never, {}))
    expect(isKitError(error, 'KIT_SENTRY_INVALID_OPTION')).toBe(true)
    expect(error.message).toContain('Did you mean `tracesSampleRate`?')
  })

  it('lists the known options when nothing is close', () => {
    expect(thrown(() => parseSentryOptions({ foo: 1 } as never, {})).message).toContain('Known options: dsn')
  })

  it('rejects options that are not an object', () => {
    expect(thrown(() => parseSentryOptions('dsn' as never, {})).code).toBe('KIT_SENTRY_INVALID_OPTION')
  })
})
