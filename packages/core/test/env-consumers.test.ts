/**
 * What the env schema accepts, its consumer accepts: every value a built-in
 * variable's schema takes is fed to the package that reads it, both as
 * @kit/env parsed it (productionize) and as the raw string of process.env
 * (a package used on its own).
 */
import { BUILTIN_NAMES, loadEnv } from '@kit/env'
import { createHealth } from '@kit/health'
import { createLogger } from '@kit/logger'
import { createMailer } from '@kit/mailer'
import { createMetrics } from '@kit/metrics'
import { createRateLimits } from '@kit/rate-limit'
import { createSecurity } from '@kit/security'
import { describe, expect, it } from 'vitest'

type Env = Record<string, unknown>

const SG_KEY = 'SG.test-key-for-env-consumers'
const RE_KEY = 're_test_key_for_env_consumers'

interface Case {
  name: string
  values: readonly string[]
  /** Other variables the value needs to make sense (the keys of a mail provider). */
  with?: Record<string, string>
  consume: (env: Env) => unknown
}

const security = (env: Env) => createSecurity({}, { env: { NODE_ENV: 'development', ...env } as never })
const mailer = (env: Env) =>
  createMailer({}, { env: { NODE_ENV: 'development', ...env } as never, cwd: '/tmp' })
const health = (env: Env) => createHealth({}, { env: env as never })
const rateLimits = (env: Env) => createRateLimits({}, { env: env as never })
const logger = (env: Env) => createLogger({}, { env: env as never })
const metrics = (env: Env) => {
  const created = createMetrics({}, { env: env as never, cwd: '/tmp' })
  return created
}

const CASES: readonly Case[] = [
  {
    name: 'LOG_LEVEL',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    consume: logger,
  },
  { name: 'KIT_HEALTH_TOKEN', values: ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4'], consume: health },
  { name: 'METRICS_TOKEN', values: ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4'], consume: metrics },
  { name: 'METRICS_PORT', values: ['9464', '0'], consume: metrics },
  {
    name: 'ALLOWED_ORIGINS',
    values: [
      '*',
      'https://example.com',
      'https://*.example.com',
      'https://a.example, http://localhost:5173',
      'https://Example.com/',
      'http://[::1]:3000',
      'https://exämple.com',
    ],
    consume: security,
  },
  { name: 'CORS_ALLOW_CREDENTIALS', values: ['true', 'yes', 'on', '1', 'false', 'off'], consume: security },
  { name: 'FORCE_HTTPS', values: ['true', 'false', 'yes', 'no'], consume: security },
  { name: 'HSTS_MAX_AGE', values: ['63072000', '2y', '180d', '1w', '0'], consume: security },
  { name: 'APP_URL', values: ['https://example.com', 'http://localhost:3000'], consume: security },
  {
    name: 'MAX_UPLOAD_SIZE',
    values: ['1048576', '10m', '10mb', '512kb', '512k', '1.5 MB', '1g'],
    consume: security,
  },
  { name: 'MAIL_PROVIDER', values: ['file', 'log', 'memory', 'log,file'], consume: mailer },
  {
    name: 'MAIL_FROM',
    values: ['hello@example.com', 'Example <hello@example.com>'],
    with: { MAIL_PROVIDER: 'log' },
    consume: mailer,
  },
  {
    name: 'MAIL_PROVIDER',
    values: ['sendgrid', 'resend', 'sendgrid,resend', 'smtp', 'smtp,sendgrid,resend,log'],
    with: {
      SENDGRID_API_KEY: SG_KEY,
      RESEND_API_KEY: RE_KEY,
      SMTP_URL: 'smtp://user:pass@127.0.0.1:2525',
      MAIL_FROM: 'Example <hello@example.com>',
    },
    consume: mailer,
  },
  { name: 'SHUTDOWN_TIMEOUT_MS', values: ['25000', '25s', '1m'], consume: health },
  {
    name: 'SHUTDOWN_READINESS_DELAY_MS',
    values: ['0', '5000', '5s'],
    with: { SHUTDOWN_TIMEOUT_MS: '25s' },
    consume: health,
  },
  { name: 'RATE_LIMIT_ENABLED', values: ['true', 'false', 'yes', 'off'], consume: rateLimits },
  { name: 'RATE_LIMIT_PER_MINUTE', values: ['100', '1'], consume: rateLimits },
  { name: 'AUTH_RATE_LIMIT_PER_MINUTE', values: ['5'], consume: rateLimits },
  { name: 'AI_RATE_LIMIT_PER_MINUTE', values: ['20'], consume: rateLimits },
]

/**
 * Built-in variables no package reads on its own: @kit/env parses them and
 * productionize() (or kit.listen(), the CLI) reads the parsed value, so
 * there is no second reader to disagree. Listing them here keeps the test
 * complete: a new built-in variable must join CASES or this list.
 */
const READ_ONLY_BY_CORE: Readonly<Record<string, string>> = {
  NODE_ENV: 'every package compares it with "production" as a plain string',
  PORT: 'kit.listen()',
  TRUST_PROXY: 'core connections/trust-proxy.ts, from the parsed value',
  DATABASE_URL: 'core connections, from the parsed value',
  DATABASE_POOL_MAX: 'core connections, from the parsed value',
  DATABASE_SSL: 'core connections, from the parsed value',
  REDIS_URL: 'core connections, from the parsed value',
  SENTRY_DSN: 'initSentry() starts the process-wide client; packages/sentry tests its env',
  SENTRY_ENVIRONMENT: 'initSentry(), as above',
  SENTRY_TRACES_SAMPLE_RATE: 'initSentry(), as above',
  SENTRY_RELEASE: 'initSentry(), as above',
  SENDGRID_API_KEY: 'fed to createMailer() with MAIL_PROVIDER=sendgrid above',
  RESEND_API_KEY: 'fed to createMailer() with MAIL_PROVIDER=resend above',
  SMTP_URL: 'fed to createMailer() with MAIL_PROVIDER=smtp above',
  SLACK_WEBHOOK_URL: 'metrics alerts, configured by productionize() with a notifier',
  ALERT_EMAIL_TO: 'metrics alerts, configured by productionize() with a mailer',
}

it('covers every built-in variable', () => {
  const covered = new Set([...CASES.map((c) => c.name), ...Object.keys(READ_ONLY_BY_CORE)])
  expect(BUILTIN_NAMES.filter((name) => !covered.has(name))).toEqual([])
})

const ROWS = CASES.flatMap((c) => c.values.map((value) => [c.name, value, c] as const))

describe.each(ROWS)('%s=%j', (name, value, c) => {
  const source = { ...c.with, [name]: value }
  const parsed = loadEnv({ dotenv: false, preset: false, source }) as unknown as Env

  it('is accepted by the env schema', () => {
    expect(parsed[name]).toBeDefined()
  })

  it('is accepted by its consumer as @kit/env parsed it', () => {
    const env = Object.fromEntries(Object.keys(source).map((key) => [key, parsed[key]]))
    expect(c.consume(env)).toBeTruthy()
  })

  it('is accepted by its consumer as the raw string', () => {
    expect(c.consume(source)).toBeTruthy()
  })
})

describe('values refused by both', () => {
  it.each([
    [
      'ALLOWED_ORIGINS',
      '*',
      { CORS_ALLOW_CREDENTIALS: 'true' },
      security,
      'KIT_SECURITY_CORS_WILDCARD_CREDENTIALS',
    ],
    ['MAX_UPLOAD_SIZE', 'ten megs', {}, security, 'KIT_SECURITY_INVALID_ENV'],
    ['HSTS_MAX_AGE', 'forever', {}, security, 'KIT_SECURITY_INVALID_ENV'],
    ['MAIL_PROVIDER', 'sendgird', {}, mailer, 'KIT_MAILER_UNKNOWN_PROVIDER'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon', {}, health, 'KIT_HEALTH_INVALID_OPTION'],
  ] as const)('%s=%j', (name, value, extra, consume, code) => {
    expect(() => loadEnv({ dotenv: false, preset: false, source: { ...extra, [name]: value } })).toThrow(
      expect.objectContaining({ code: 'KIT_ENV_INVALID' }),
    )
    expect(() => consume({ ...extra, [name]: value })).toThrow(expect.objectContaining({ code }))
  })
})
