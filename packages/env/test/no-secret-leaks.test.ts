import { inspect } from 'node:util'
import { checkEnv, list, loadEnv, secret, z } from '@kit/env'
import { clearKnownSecrets } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'

/**
 * A known value fed through every error path: it must never appear in the
 * message, the stack, util.inspect() output, JSON, or the check report.
 */
const CANARY = 'CANARY7f3a9e1d'

// Registered secrets are scrubbed by the shared redaction: clear them so a
// leak cannot be hidden by that second line of defence.
afterEach(() => clearKnownSecrets())

const appSchema = {
  OPENAI_API_KEY: z.string().startsWith('sk-'),
  // An app's own message that quotes the value: scrubbed for secret variables.
  API_TOKEN: z.string().refine((value) => !value.startsWith('tok-'), {
    error: (issue) => `rejected token ${String(issue.input)}`,
  }),
  SIGNING_MATERIAL: secret(),
  SHORT_SIGNING: secret(),
  PATTERNED_SIGNING: secret(),
  CLIENT_KEYS: list(z.string().startsWith('ck_')).meta({ secret: true }),
}

const cases: [string, Record<string, string>][] = [
  ['secret(): placeholder', { SIGNING_MATERIAL: `changeme-${CANARY}` }],
  ['secret(): too short', { SHORT_SIGNING: `${CANARY}-x` }],
  ['secret(): guessable', { PATTERNED_SIGNING: CANARY.repeat(4) }],
  ['app schema, sensitive name', { OPENAI_API_KEY: `pk-${CANARY}` }],
  ['app message quoting the value', { API_TOKEN: `tok-${CANARY}` }],
  ['list of secrets', { CLIENT_KEYS: `ck_ok,bad-${CANARY}` }],
  ['DATABASE_URL protocol', { DATABASE_URL: `http://app:${CANARY}@db.example.com/app` }],
  ['DATABASE_URL not a URL', { DATABASE_URL: `${CANARY}:not a url` }],
  ['REDIS_URL protocol', { REDIS_URL: `https://:${CANARY}@cache.example.com` }],
  ['SMTP_URL protocol', { SMTP_URL: `http://mailer:${CANARY}@smtp.example.com` }],
  ['SENTRY_DSN protocol', { SENTRY_DSN: `ftp://${CANARY}@o1.ingest.sentry.io/1` }],
  ['SENDGRID_API_KEY prefix', { SENDGRID_API_KEY: `XX.${CANARY}` }],
  ['RESEND_API_KEY prefix', { RESEND_API_KEY: `rx_${CANARY}` }],
  ['KIT_HEALTH_TOKEN weak', { KIT_HEALTH_TOKEN: `${CANARY}` }],
  ['METRICS_TOKEN placeholder', { METRICS_TOKEN: `your-token-${CANARY}` }],
  ['typo of a required name', { OPENAI_API_KEY: '', OPENAI_APIKEY: `sk-${CANARY}` }],
]

function everyRendering(error: unknown): string[] {
  const e = error as Error & { details?: unknown }
  return [
    e.message,
    String(e),
    e.stack ?? '',
    inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(e),
    JSON.stringify(e.details),
  ]
}

describe('a secret value in any error path', () => {
  const valid = {
    NODE_ENV: 'production',
    OPENAI_API_KEY: 'sk-valid',
    API_TOKEN: 'x',
    SIGNING_MATERIAL: 'q8Vn3kLp0Zr7Ws2Yt6Ux1Ab5Cd9Ef4Gh8Ij2Kl6Mn',
    SHORT_SIGNING: 'Zt7Yq2Wx9Vu4Rs1Po6Nm3Lk8Jh5Gf0Ed2Cb7Aa9Qw',
    PATTERNED_SIGNING: 'Hy3Gt8Fr2De7Sw1Aq6Zx4Cv9Bn5Mk0Lj2Hg7Fd3Sa',
    CLIENT_KEYS: 'ck_1',
  }

  it.each(cases)('%s: stays out of the message, stack, inspect() and JSON', (_label, bad) => {
    let error: unknown
    try {
      loadEnv({ schema: appSchema, source: { ...valid, ...bad }, dotenv: false, preset: false })
    } catch (e) {
      error = e
    }
    expect((error as { code?: string })?.code).toBe('KIT_ENV_INVALID')
    // Exactly the variable under test is reported: the baseline is valid.
    const expected = Object.keys(bad).filter((name) => name !== 'OPENAI_APIKEY')
    expect((error as { details: { name: string }[] }).details.map((d) => d.name)).toEqual(expected)
    for (const text of everyRendering(error)) expect(text).not.toContain(CANARY)
  })

  it.each(cases)('%s: stays out of the check report', (_label, bad) => {
    const result = checkEnv({ schema: appSchema, source: { ...valid, ...bad }, dotenv: false, preset: false })
    expect(result.ok).toBe(false)
    expect(JSON.stringify({ ...result, env: undefined })).not.toContain(CANARY)
    expect(inspect(result.variables, { depth: Number.POSITIVE_INFINITY })).not.toContain(CANARY)
  })

  it('would have leaked through the app message without scrubbing (the test is meaningful)', () => {
    const raw = appSchema.API_TOKEN.safeParse(`tok-${CANARY}`)
    expect(raw.error?.issues[0]?.message).toContain(CANARY)
  })

  it('is masked, not hidden, when valid: URLs keep their host, other values only their length', () => {
    const result = checkEnv({
      source: {
        DATABASE_URL: `postgres://app:${CANARY}@db.example.com:5432/app`,
        SENTRY_DSN: `https://${CANARY}@o1.ingest.sentry.io/42`,
        KIT_HEALTH_TOKEN: `${CANARY}-development-only`,
        REDIS_URL: 'redis://cache.example.com:6379',
      },
      dotenv: false,
      preset: false,
    })
    const display = Object.fromEntries(result.variables.map((v) => [v.name, v.display]))
    expect(display.DATABASE_URL).toBe('postgres://****@db.example.com:5432/app')
    expect(display.SENTRY_DSN).toBe('https://****@o1.ingest.sentry.io/42')
    expect(display.KIT_HEALTH_TOKEN).toBe('**** (31 characters)')
    expect(display.REDIS_URL).toBe('redis://cache.example.com:6379')
    expect(JSON.stringify(result.variables)).not.toContain(CANARY)
  })
})
