import { BUILTIN_SHAPE, describeEnv, type EnvVarReport, z as exportedZ } from '@kit/env'
import { describe, expect, it } from 'vitest'
import { z as lazyZ } from '../src/lazy-z.ts'
import { checkEnv } from './helpers.ts'

// The built-in variables are checked without zod (BUILTIN_SPECS); BUILTIN_SHAPE is the
// same variables as zod schemas. Passing BUILTIN_SHAPE as the app's schema makes every
// variable go through zod, so each source below is checked both ways.
const SOURCES: Record<string, Record<string, string>> = {
  'nothing set': {},
  'valid values, production': {
    NODE_ENV: 'PRODUCTION',
    PORT: '8080',
    LOG_LEVEL: 'Debug',
    APP_URL: 'https://example.com',
    TRUST_PROXY: '10.0.0.0/8, Loopback',
    ALLOWED_ORIGINS: 'https://App.example.com/,https://*.example.com,https://app.example.com',
    CORS_ALLOW_CREDENTIALS: 'yes',
    FORCE_HTTPS: 'off',
    HSTS_MAX_AGE: '180d',
    DATABASE_URL: 'postgres://user:pw@db.example.com:5432/app',
    DATABASE_POOL_MAX: '4',
    DATABASE_SSL: 'require',
    REDIS_URL: 'rediss://:pw@redis.example.com:6380',
    RATE_LIMIT_ENABLED: '0',
    SENTRY_ENVIRONMENT: ' staging ',
    SENTRY_TRACES_SAMPLE_RATE: '0.25',
    MAIL_PROVIDER: 'sendgrid, resend',
    MAIL_FROM: 'Example <hello@example.com>',
    SENDGRID_API_KEY: 'SG.abcdefghijklmnopqrstuvwxyz',
    RESEND_API_KEY: 're_abcdefghijklmnopqrstuvwxyz',
    MAX_UPLOAD_SIZE: '10mb',
    SHUTDOWN_TIMEOUT_MS: '20s',
    KIT_HEALTH_TOKEN: 'Zq8#vN2!rT6@wK9$pL4%mX7^cB1&hJ5*',
    METRICS_PORT: '9100',
    ALERT_EMAIL_TO: 'ops@example.com, Oncall <oncall@example.com>',
  },
  'invalid values, production': {
    NODE_ENV: 'production',
    PORT: '70000',
    LOG_LEVEL: 'loud',
    APP_URL: 'ftp://example.com',
    TRUST_PROXY: 'true',
    ALLOWED_ORIGINS: 'https://example.com/path,*,ftp:/x',
    CORS_ALLOW_CREDENTIALS: 'maybe',
    FORCE_HTTPS: '2',
    HSTS_MAX_AGE: '1.5s',
    DATABASE_URL: 'http://user:hunter2hunter2@db/app',
    DATABASE_POOL_MAX: '0',
    DATABASE_SSL: 'sometimes',
    REDIS_URL: 'localhost:6379',
    RATE_LIMIT_PER_MINUTE: '1e3',
    SENTRY_DSN: 'sentry.example.com',
    SENTRY_TRACES_SAMPLE_RATE: '2',
    MAIL_PROVIDER: 'smtp,pigeon',
    MAIL_FROM: 'nobody',
    SENDGRID_API_KEY: 'abc',
    RESEND_API_KEY: 'SG.wrong',
    SMTP_URL: 'http://mail.example.com',
    MAX_UPLOAD_SIZE: 'big',
    SHUTDOWN_TIMEOUT_MS: '-1',
    SHUTDOWN_READINESS_DELAY_MS: 'soon',
    KIT_HEALTH_TOKEN: 'changeme',
    METRICS_TOKEN: 'short',
    METRICS_PORT: 'x',
    SLACK_WEBHOOK_URL: 'hooks.slack.com',
    ALERT_EMAIL_TO: 'ops@example.com,nobody',
  },
  'more invalid values, development': {
    TRUST_PROXY: '-2',
    ALLOWED_ORIGINS: '*',
    CORS_ALLOW_CREDENTIALS: 'true',
    KIT_HEALTH_TOKEN: 'changeme',
    MAIL_PROVIDER: 'sendgrid',
    AUTH_RATE_LIMIT_PER_MINUTE: '2.5',
  },
  'proxy addresses and origins that are refused': {
    TRUST_PROXY: '0.0.0.0/0, 10.0.0.1/40, not-an-ip',
    ALLOWED_ORIGINS: 'https://example.com:99999',
  },
}

describe('the built-in variables checked without zod', () => {
  it.each(Object.entries(SOURCES))('give what their zod schemas give: %s', (_name, source) => {
    const direct = checkEnv(source)
    const viaZod = checkEnv(source, { schema: { ...BUILTIN_SHAPE } })
    expect(direct.problems).toEqual(viaZod.problems)
    expect(direct.env).toEqual(viaZod.env)
    // `builtin` says where a variable was declared: false for every entry of an app's schema.
    const declared = (variables: EnvVarReport[]) => variables.map(({ builtin: _builtin, ...v }) => v)
    expect(declared(direct.variables)).toEqual(declared(viaZod.variables))
    expect(direct.variables.every((v) => v.builtin)).toBe(true)
  })

  it('reports problems in the sources above (the comparison compares something)', () => {
    expect(checkEnv(SOURCES['invalid values, production']!).problems.length).toBeGreaterThan(25)
    expect(checkEnv(SOURCES['valid values, production']!).ok).toBe(true)
  })

  it('describe the same variables as the zod schemas do', () => {
    const direct = describeEnv().map(({ builtin: _builtin, ...d }) => d)
    const viaZod = describeEnv({ ...BUILTIN_SHAPE }).map(({ builtin: _builtin, ...d }) => d)
    expect(direct).toEqual(viaZod)
  })

  it('hand out a fresh default list each time (the loaded environment is frozen)', () => {
    const first = checkEnv({}).env!
    const second = checkEnv({}).env!
    expect(first.ALLOWED_ORIGINS).toEqual([])
    expect(first.ALLOWED_ORIGINS).not.toBe(second.ALLOWED_ORIGINS)
  })
})

describe("the built package's lazy z", () => {
  it('is zod: schemas, parsing, instanceof and the property list', () => {
    const schema = lazyZ.object({ name: lazyZ.string().min(2), port: lazyZ.coerce.number() })
    expect(schema.parse({ name: 'kit', port: '3000' })).toEqual({ name: 'kit', port: 3000 })
    expect(schema.safeParse({ name: 'k', port: 1 }).success).toBe(false)
    expect(lazyZ.string()).toBeInstanceOf(lazyZ.ZodType)
    expect('object' in lazyZ).toBe(true)
    expect(Object.keys(lazyZ).sort()).toEqual(Object.keys(exportedZ).sort())
    expect(Object.getOwnPropertyDescriptor(lazyZ, 'string')?.enumerable).toBe(true)
  })

  it("works with the schemas of the app's own zod import (a second copy of zod)", () => {
    const mixed = lazyZ.object({ own: exportedZ.string(), kit: lazyZ.number() })
    expect(mixed.parse({ own: 'a', kit: 1 })).toEqual({ own: 'a', kit: 1 })
    expect(exportedZ.string()).toBeInstanceOf(lazyZ.ZodType)
  })
})
