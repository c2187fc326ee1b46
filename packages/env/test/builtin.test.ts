import { detectRelease, RELEASE_SOURCES } from '@kit/internal'
import { describe, expect, it } from 'vitest'
import { checkEnv, isKitErrorLike, loadEnvFrom } from './helpers.ts'

describe('defaults', () => {
  it('gives every built-in variable its documented default in development', () => {
    expect({ ...loadEnvFrom({}) }).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      LOG_LEVEL: 'info',
      APP_URL: undefined,
      TRUST_PROXY: false,
      ALLOWED_ORIGINS: [],
      CORS_ALLOW_CREDENTIALS: false,
      FORCE_HTTPS: false,
      HSTS_MAX_AGE: 63_072_000,
      DATABASE_URL: undefined,
      DATABASE_POOL_MAX: 10,
      DATABASE_SSL: 'auto',
      REDIS_URL: undefined,
      RATE_LIMIT_ENABLED: true,
      RATE_LIMIT_PER_MINUTE: 100,
      AUTH_RATE_LIMIT_PER_MINUTE: 5,
      AI_RATE_LIMIT_PER_MINUTE: 20,
      SENTRY_DSN: undefined,
      SENTRY_ENVIRONMENT: 'development',
      SENTRY_TRACES_SAMPLE_RATE: 0,
      SENTRY_RELEASE: undefined,
      MAIL_PROVIDER: ['file'],
      MAIL_FROM: undefined,
      SENDGRID_API_KEY: undefined,
      RESEND_API_KEY: undefined,
      SMTP_URL: undefined,
      MAX_UPLOAD_SIZE: 1_048_576,
      SHUTDOWN_TIMEOUT_MS: 25_000,
      SHUTDOWN_READINESS_DELAY_MS: 0,
      KIT_HEALTH_TOKEN: undefined,
      METRICS_TOKEN: undefined,
      METRICS_PORT: undefined,
      SLACK_WEBHOOK_URL: undefined,
      ALERT_EMAIL_TO: [],
    })
  })

  it('switches FORCE_HTTPS on, and mail off, in production', () => {
    const env = loadEnvFrom({ NODE_ENV: 'production' })
    expect(env.FORCE_HTTPS).toBe(true)
    expect(env.MAIL_PROVIDER).toEqual([])
    expect(env.SENTRY_ENVIRONMENT).toBe('production')
  })

  it('treats empty and blank values as unset', () => {
    const env = loadEnvFrom({ PORT: '', LOG_LEVEL: '   ', DATABASE_URL: '' })
    expect(env.PORT).toBe(3000)
    expect(env.LOG_LEVEL).toBe('info')
    expect(env.DATABASE_URL).toBeUndefined()
  })

  it('trims values', () => {
    expect(loadEnvFrom({ PORT: ' 8080 ', SENTRY_ENVIRONMENT: ' staging ' })).toMatchObject({
      PORT: 8080,
      SENTRY_ENVIRONMENT: 'staging',
    })
  })
})

describe('NODE_ENV', () => {
  it.each(['development', 'production', 'test', 'PRODUCTION'])('accepts %j', (value) => {
    expect(loadEnvFrom({ NODE_ENV: value }).NODE_ENV).toBe(value.toLowerCase())
  })
  it('rejects other stages and points at SENTRY_ENVIRONMENT', () => {
    const { problems } = checkEnv({ NODE_ENV: 'staging' })
    expect(problems).toEqual([
      {
        name: 'NODE_ENV',
        problem: 'expected one of development, production, test, got "staging"',
        fix: 'Use development, production or test; name other stages (staging, preview) with SENTRY_ENVIRONMENT.',
      },
    ])
  })
})

describe('PORT', () => {
  it('reads a port', () => {
    expect(loadEnvFrom({ PORT: '8080' }).PORT).toBe(8080)
  })
  it.each(['abc', '70000', '-1', '80.5'])('rejects %j with the default in the fix', (value) => {
    const [problem] = checkEnv({ PORT: value }).problems
    expect(problem).toEqual({
      name: 'PORT',
      problem: `expected a whole number between 0 and 65535, got "${value}"`,
      fix: 'Correct PORT, or unset it to use the default (3000).',
    })
  })
})

describe('LOG_LEVEL', () => {
  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent', 'DEBUG'])('accepts %j', (value) => {
    expect(loadEnvFrom({ LOG_LEVEL: value }).LOG_LEVEL).toBe(value.toLowerCase())
  })
  it('rejects an unknown level', () => {
    expect(checkEnv({ LOG_LEVEL: 'verbose' }).problems[0]?.problem).toBe(
      'expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    )
  })
})

describe('APP_URL', () => {
  it('accepts http outside production', () => {
    expect(loadEnvFrom({ APP_URL: 'http://localhost:3000' }).APP_URL).toBe('http://localhost:3000')
  })
  it('must be https in production', () => {
    expect(checkEnv({ NODE_ENV: 'production', APP_URL: 'http://example.com' }).problems).toEqual([
      {
        name: 'APP_URL',
        problem: 'must use https: in production',
        fix: 'Serve the app over HTTPS and set APP_URL=https://your-domain (platforms give you a certificate).',
      },
    ])
    expect(loadEnvFrom({ NODE_ENV: 'production', APP_URL: 'https://example.com' }).APP_URL).toBe(
      'https://example.com',
    )
  })
  it('rejects other protocols and relative values', () => {
    expect(checkEnv({ APP_URL: 'example.com' }).problems[0]?.problem).toBe(
      'expected a URL starting with https:// or http://, got "example.com"',
    )
    expect(checkEnv({ APP_URL: 'ftp://example.com' }).problems).toHaveLength(1)
  })
})

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.1, 192.168.0.0/16', ['10.0.0.1', '192.168.0.0/16']],
    ['loopback, LinkLocal,uniquelocal', ['loopback', 'linklocal', 'uniquelocal']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
  ])('reads %j', (value, expected) => {
    expect(loadEnvFrom({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected)
  })

  it.each(['true', 'TRUE', 'yes', 'on'])('refuses %j, saying why and what to use instead', (value) => {
    const [problem] = checkEnv({ TRUST_PROXY: value }).problems
    expect(problem?.problem).toMatch(/^trusting every proxy lets any client fake its IP address/)
    expect(problem?.fix).toMatch(/Heroku, Render, Fly\.io, Railway, DigitalOcean: 1/)
    expect(problem?.fix).toMatch(/CIDR/)
  })

  it.each(['0.0.0.0/0', '::/0'])('refuses %j, which trusts everyone', (value) => {
    expect(checkEnv({ TRUST_PROXY: value }).problems[0]?.problem).toMatch(
      /covers every address, which lets any client fake its IP address/,
    )
  })

  it('names every bad entry of a list', () => {
    const [problem] = checkEnv({ TRUST_PROXY: 'proxy.internal,10.0.0.0/33,10.0.0.1' }).problems
    expect(problem?.problem).toBe(
      '"proxy.internal" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal; "10.0.0.0/33" has an invalid prefix length (0 to 32), got "proxy.internal,10.0.0.0/33,10.0.0.1"',
    )
  })

  it('rejects a negative hop count', () => {
    expect(checkEnv({ TRUST_PROXY: '-1' }).problems[0]?.problem).toMatch(/^expected a hop count of 0 or more/)
  })
})

describe('ALLOWED_ORIGINS', () => {
  it('reads origins and subdomain patterns, normalised', () => {
    expect(
      loadEnvFrom({ ALLOWED_ORIGINS: 'https://Example.com/, http://localhost:5173, https://*.example.com' })
        .ALLOWED_ORIGINS,
    ).toEqual(['https://example.com', 'http://localhost:5173', 'https://*.example.com'])
  })
  it('drops duplicates', () => {
    expect(loadEnvFrom({ ALLOWED_ORIGINS: 'https://a.com,https://A.com/' }).ALLOWED_ORIGINS).toEqual([
      'https://a.com',
    ])
  })
  it('accepts "*" for a public API without credentials', () => {
    expect(loadEnvFrom({ ALLOWED_ORIGINS: '*' }).ALLOWED_ORIGINS).toEqual(['*'])
    expect(loadEnvFrom({ ALLOWED_ORIGINS: '*', NODE_ENV: 'production' }).ALLOWED_ORIGINS).toEqual(['*'])
  })
  it('refuses "*" with CORS_ALLOW_CREDENTIALS, naming the fix', () => {
    const [problem] = checkEnv({ ALLOWED_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: 'true' }).problems
    expect(problem).toMatchObject({ name: 'ALLOWED_ORIGINS' })
    expect(problem?.problem).toMatch(/CORS_ALLOW_CREDENTIALS is true/)
    expect(problem?.fix).toMatch(/CORS_ALLOW_CREDENTIALS=false/)
  })
  it.each([
    ['*,https://a.com', '"*" already allows every origin'],
    ['https://example.com/app', '"https://example.com/app" has a path, query or credentials'],
    ['https://example.com?x=1', '"https://example.com?x=1" has a path, query or credentials'],
    ['example.com', '"example.com" needs a scheme (https:// or http://)'],
    ['ftp://example.com', '"ftp://example.com" needs a scheme (https:// or http://)'],
    ['null', '"null" is the opaque \'null\' origin'],
    ['https://exa_mple.com', '"https://exa_mple.com" has an invalid host name'],
    ['https://*.com', '"https://*.com" matches a whole top-level domain'],
  ])('rejects %j', (value, message) => {
    const [problem] = checkEnv({ ALLOWED_ORIGINS: value }).problems
    expect(problem?.problem.startsWith(message)).toBe(true)
    expect(problem?.fix).toMatch(/https:\/\/\*\.example\.com/)
  })
})

describe('FORCE_HTTPS and CORS_ALLOW_CREDENTIALS', () => {
  it('lets an explicit value beat the production default', () => {
    expect(loadEnvFrom({ NODE_ENV: 'production', FORCE_HTTPS: 'false' }).FORCE_HTTPS).toBe(false)
    expect(loadEnvFrom({ FORCE_HTTPS: 'yes' }).FORCE_HTTPS).toBe(true)
    expect(loadEnvFrom({ CORS_ALLOW_CREDENTIALS: 'on' }).CORS_ALLOW_CREDENTIALS).toBe(true)
  })
  it('rejects a word that is not a boolean', () => {
    expect(checkEnv({ FORCE_HTTPS: 'always' }).problems[0]?.name).toBe('FORCE_HTTPS')
  })
})

describe('HSTS_MAX_AGE', () => {
  it.each([
    ['2y', 63_072_000],
    ['180d', 15_552_000],
    ['31536000', 31_536_000],
    ['0', 0],
  ])('reads %j as %d seconds', (value, seconds) => {
    expect(loadEnvFrom({ HSTS_MAX_AGE: value }).HSTS_MAX_AGE).toBe(seconds)
  })
})

describe('DATABASE_URL, DATABASE_POOL_MAX, DATABASE_SSL', () => {
  it.each(['postgres://u:p@db:5432/app', 'postgresql://db/app', 'mysql://root@db/app', 'mariadb://db/app'])(
    'accepts %j',
    (value) => {
      expect(loadEnvFrom({ DATABASE_URL: value }).DATABASE_URL).toBe(value)
    },
  )
  it('rejects other protocols without echoing the value', () => {
    const [problem] = checkEnv({ DATABASE_URL: 'http://user:pw@db/app' }).problems
    expect(problem?.problem).toBe(
      'expected a URL starting with postgres://, postgresql://, mysql:// or mariadb://',
    )
  })
  it('requires a pool of at least one connection', () => {
    expect(loadEnvFrom({ DATABASE_POOL_MAX: '25' }).DATABASE_POOL_MAX).toBe(25)
    expect(checkEnv({ DATABASE_POOL_MAX: '0' }).problems[0]?.name).toBe('DATABASE_POOL_MAX')
  })
  it.each([
    ['auto', 'auto'],
    ['verify', 'verify'],
    ['no-verify', 'no-verify'],
    ['off', 'off'],
    ['true', 'verify'],
    ['require', 'verify'],
    ['false', 'off'],
  ])('reads DATABASE_SSL=%j as %j', (value, mode) => {
    expect(loadEnvFrom({ DATABASE_SSL: value }).DATABASE_SSL).toBe(mode)
  })
  it('rejects an unknown SSL mode', () => {
    expect(checkEnv({ DATABASE_SSL: 'prefer' }).problems[0]?.problem).toBe(
      'expected one of auto, verify, no-verify, off, got "prefer"',
    )
  })
})

describe('REDIS_URL', () => {
  it('accepts redis: and rediss:', () => {
    expect(loadEnvFrom({ REDIS_URL: 'redis://localhost:6379' }).REDIS_URL).toBe('redis://localhost:6379')
    expect(loadEnvFrom({ REDIS_URL: 'rediss://:pw@host:6380' }).REDIS_URL).toBe('rediss://:pw@host:6380')
  })
  it('prefers REDIS_TLS_URL when both are set (Heroku)', () => {
    const env = loadEnvFrom({ REDIS_URL: 'redis://h:6379', REDIS_TLS_URL: 'rediss://h:6380' })
    expect(env.REDIS_URL).toBe('rediss://h:6380')
  })
  it('rejects another protocol', () => {
    expect(checkEnv({ REDIS_URL: 'http://h' }).problems[0]?.problem).toBe(
      'expected a URL starting with redis:// or rediss://',
    )
  })
})

describe('rate limits', () => {
  it('reads each limit and the switch', () => {
    expect(
      loadEnvFrom({
        RATE_LIMIT_ENABLED: 'false',
        RATE_LIMIT_PER_MINUTE: '600',
        AUTH_RATE_LIMIT_PER_MINUTE: '10',
        AI_RATE_LIMIT_PER_MINUTE: '3',
      }),
    ).toMatchObject({
      RATE_LIMIT_ENABLED: false,
      RATE_LIMIT_PER_MINUTE: 600,
      AUTH_RATE_LIMIT_PER_MINUTE: 10,
      AI_RATE_LIMIT_PER_MINUTE: 3,
    })
  })
  it('rejects a limit below one', () => {
    expect(checkEnv({ AUTH_RATE_LIMIT_PER_MINUTE: '0' }).problems[0]?.problem).toBe(
      'expected a whole number of at least 1, got "0"',
    )
  })
})

describe('Sentry', () => {
  it('reads the DSN, environment and sample rate', () => {
    expect(
      loadEnvFrom({
        SENTRY_DSN: 'https://abc@o1.ingest.sentry.io/2',
        SENTRY_ENVIRONMENT: 'staging',
        SENTRY_TRACES_SAMPLE_RATE: '0.1',
      }),
    ).toMatchObject({
      SENTRY_DSN: 'https://abc@o1.ingest.sentry.io/2',
      SENTRY_ENVIRONMENT: 'staging',
      SENTRY_TRACES_SAMPLE_RATE: 0.1,
    })
  })
  it('rejects a sample rate outside 0..1', () => {
    expect(checkEnv({ SENTRY_TRACES_SAMPLE_RATE: '1.5' }).problems[0]?.problem).toBe(
      'expected a number between 0 and 1, got "1.5"',
    )
  })
  it.each([
    [{ HEROKU_SLUG_COMMIT: 'abc123' }, 'abc123'],
    [{ SOURCE_VERSION: 'def456' }, 'def456'],
    [{ RENDER_GIT_COMMIT: 'r1' }, 'r1'],
    [{ RAILWAY_GIT_COMMIT_SHA: 'rw1' }, 'rw1'],
    [{ FLY_IMAGE_REF: 'registry.fly.io/my-app:deployment-01HXYZ' }, 'deployment-01HXYZ'],
    [{ GIT_SHA: 'g1' }, 'g1'],
    [{ HEROKU_SLUG_COMMIT: 'first', GIT_SHA: 'second' }, 'first'],
  ])('takes SENTRY_RELEASE from the platform: %j', (source, release) => {
    expect(loadEnvFrom(source).SENTRY_RELEASE).toBe(release)
  })
  it('reads every release source @kit/sentry reads (one list, in @kit/internal)', () => {
    for (const { name } of RELEASE_SOURCES.filter((s) => s.name !== 'SENTRY_RELEASE')) {
      const value = name === 'FLY_IMAGE_REF' ? 'registry.fly.io/app:deployment-7' : `sha-of-${name}`
      expect(loadEnvFrom({ [name]: value }).SENTRY_RELEASE).toBe(detectRelease({ [name]: value })?.release)
      expect(loadEnvFrom({ [name]: value }).SENTRY_RELEASE).toBeTruthy()
    }
  })
  it('lets SENTRY_RELEASE beat the platform', () => {
    expect(loadEnvFrom({ SENTRY_RELEASE: 'v1.2.3', HEROKU_SLUG_COMMIT: 'abc' }).SENTRY_RELEASE).toBe('v1.2.3')
  })
})

describe('mail', () => {
  const sendgrid = 'SG.aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
  it('reads a failover chain in order, without duplicates', () => {
    const env = loadEnvFrom({
      MAIL_PROVIDER: 'sendgrid, resend, sendgrid',
      SENDGRID_API_KEY: sendgrid,
      RESEND_API_KEY: 're_123456789abcdef',
      MAIL_FROM: 'Example <hello@example.com>',
    })
    expect(env.MAIL_PROVIDER).toEqual(['sendgrid', 'resend'])
  })
  it('requires each named provider key and MAIL_FROM, all in one error', () => {
    expect(
      checkEnv({ MAIL_PROVIDER: 'sendgrid,resend,smtp' }).problems.map((p) => [p.name, p.problem]),
    ).toEqual([
      ['SENDGRID_API_KEY', 'is required because MAIL_PROVIDER includes "sendgrid"'],
      ['RESEND_API_KEY', 'is required because MAIL_PROVIDER includes "resend"'],
      ['SMTP_URL', 'is required because MAIL_PROVIDER includes "smtp"'],
      ['MAIL_FROM', 'is required because MAIL_PROVIDER includes "sendgrid"'],
    ])
  })
  it('needs no key or sender for the development providers', () => {
    expect(loadEnvFrom({ MAIL_PROVIDER: 'file,log,memory' }).MAIL_PROVIDER).toEqual(['file', 'log', 'memory'])
  })
  it('rejects an unknown provider', () => {
    expect(checkEnv({ MAIL_PROVIDER: 'mailgun' }).problems[0]?.problem).toBe(
      'item "mailgun": expected one of smtp, sendgrid, resend, file, log, memory, got "mailgun"',
    )
  })
  it.each(['hello@example.com', 'Example <hello@example.com>', '"Ex, Inc" <a.b+c@mail.example.co.uk>'])(
    'accepts MAIL_FROM=%j',
    (from) => {
      expect(loadEnvFrom({ MAIL_FROM: from }).MAIL_FROM).toBe(from)
    },
  )
  it.each(['hello', 'Example <hello>', 'a@b', '<>'])('rejects MAIL_FROM=%j', (from) => {
    expect(checkEnv({ MAIL_FROM: from }).problems[0]?.problem).toMatch(
      /^expected an email address or "Name <address>"/,
    )
  })
  it('checks the shape of provider keys without echoing them', () => {
    const problems = checkEnv({
      SENDGRID_API_KEY: 'sk-not-sendgrid-1234567890',
      RESEND_API_KEY: 'nope-nope-nope',
    }).problems
    expect(problems.map((p) => p.problem)).toEqual([
      'expected a SendGrid API key (it starts with "SG.")',
      'expected a Resend API key (it starts with "re_")',
    ])
  })
  it('accepts smtp: and smtps: URLs only', () => {
    expect(loadEnvFrom({ SMTP_URL: 'smtps://u:p@mail.example.com:465' }).SMTP_URL).toBe(
      'smtps://u:p@mail.example.com:465',
    )
    expect(checkEnv({ SMTP_URL: 'https://mail.example.com' }).problems[0]?.problem).toBe(
      'expected a URL starting with smtp:// or smtps://',
    )
  })
})

describe('limits and shutdown', () => {
  it('reads sizes and durations', () => {
    expect(
      loadEnvFrom({ MAX_UPLOAD_SIZE: '10mb', SHUTDOWN_TIMEOUT_MS: '30s', SHUTDOWN_READINESS_DELAY_MS: '5s' }),
    ).toMatchObject({
      MAX_UPLOAD_SIZE: 10_485_760,
      SHUTDOWN_TIMEOUT_MS: 30_000,
      SHUTDOWN_READINESS_DELAY_MS: 5000,
    })
  })
  it('rejects a zero upload size', () => {
    expect(checkEnv({ MAX_UPLOAD_SIZE: '0' }).problems[0]?.name).toBe('MAX_UPLOAD_SIZE')
  })
})

describe('metrics and alerts', () => {
  const webhook = 'https://hooks.slack.com/services/T000/B000/s3cr3tWebhookPath'

  it('reads METRICS_PORT, SLACK_WEBHOOK_URL and ALERT_EMAIL_TO', () => {
    expect(
      loadEnvFrom({
        METRICS_PORT: '9100',
        SLACK_WEBHOOK_URL: webhook,
        ALERT_EMAIL_TO: 'ops@example.com, On Call <oncall@example.com>,',
      }),
    ).toMatchObject({
      METRICS_PORT: 9100,
      SLACK_WEBHOOK_URL: webhook,
      ALERT_EMAIL_TO: ['ops@example.com', 'On Call <oncall@example.com>'],
    })
  })

  it('refuses a webhook over plain http except to a local receiver, never echoing it', () => {
    const { problems } = checkEnv({ SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/s3cr3tPath' })
    expect(problems).toEqual([
      {
        name: 'SLACK_WEBHOOK_URL',
        problem: 'must be an https URL (plain http is accepted for 127.0.0.1 and localhost only)',
        fix: expect.stringContaining('https://hooks.slack.com/services/'),
      },
    ])
    expect(JSON.stringify(problems)).not.toContain('s3cr3tPath')
    expect(loadEnvFrom({ SLACK_WEBHOOK_URL: 'http://127.0.0.1:4000/hook' }).SLACK_WEBHOOK_URL).toBe(
      'http://127.0.0.1:4000/hook',
    )
    expect(checkEnv({ SLACK_WEBHOOK_URL: 'hooks.slack.com/services/x' }).problems[0]).toMatchObject({
      name: 'SLACK_WEBHOOK_URL',
      problem: 'expected a URL starting with https:// or http://',
    })
  })

  it('refuses a recipient that is not an address', () => {
    expect(checkEnv({ ALERT_EMAIL_TO: 'ops@example.com,oncall' }).problems[0]).toMatchObject({
      name: 'ALERT_EMAIL_TO',
      problem: expect.stringContaining('item "oncall"'),
    })
  })

  it('refuses a METRICS_PORT equal to PORT, or out of range', () => {
    expect(checkEnv({ PORT: '8080', METRICS_PORT: '8080' }).problems).toEqual([
      {
        name: 'METRICS_PORT',
        problem: 'is 8080, the same as PORT: the metrics server needs a port of its own',
        fix: 'Pick another port for METRICS_PORT (9100 is usual), or unset it to serve /metrics on the app.',
      },
    ])
    expect(checkEnv({ METRICS_PORT: '70000' }).problems[0]?.name).toBe('METRICS_PORT')
  })
})

describe('aggregation', () => {
  it('reports every problem at once, in schema order', () => {
    const error = (() => {
      try {
        loadEnvFrom({ PORT: 'x', LOG_LEVEL: 'loud', RATE_LIMIT_ENABLED: 'perhaps' })
      } catch (e) {
        return e
      }
    })()
    expect(isKitErrorLike(error, 'KIT_ENV_INVALID')).toBe(true)
    const e = error as { message: string; details: { name: string }[] }
    expect(e.details.map((d) => d.name)).toEqual(['PORT', 'LOG_LEVEL', 'RATE_LIMIT_ENABLED'])
    expect(e.message).toBe(
      [
        'Invalid environment (3 problems):',
        '  - PORT: expected a whole number between 0 and 65535, got "x".',
        '    Fix: Correct PORT, or unset it to use the default (3000).',
        '  - LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud".',
        '    Fix: Correct LOG_LEVEL, or unset it to use the default (info).',
        '  - RATE_LIMIT_ENABLED: expected true or false (also 1/0, yes/no, on/off), got "perhaps".',
        '    Fix: Correct RATE_LIMIT_ENABLED, or unset it to use the default (true).',
      ].join('\n'),
    )
  })
})
