import { DOCTOR_CHECKS } from '@kit/doctor'
import { describe, expect, it } from 'vitest'
import { doctorCheck, env, type Fixture, GOOD_FILES, STRONG } from './support/project.ts'

type Case = [label: string, fixture: Fixture, status: 'pass' | 'fail' | 'skip', finding?: RegExp]

const files = (extra: Record<string, string>): Record<string, string> => ({ ...GOOD_FILES, ...extra })
const source = (code: string): Record<string, string> => files({ 'src/server.ts': code })

/** Online checks have their own file (real Postgres and a local mail API); here, without --online, they skip. */
const ONLINE = ['KIT-DB-003', 'KIT-DB-004', 'KIT-MIG-001', 'KIT-MIG-002', 'KIT-MAIL-003']

const CASES: Record<string, Case[]> = {
  'KIT-ENV-001': [
    ['production', {}, 'pass'],
    ['development', { env: env({ NODE_ENV: 'development' }) }, 'fail', /"development"/],
    ['unset', { env: env({ NODE_ENV: undefined }) }, 'fail', /unset/],
  ],
  'KIT-ENV-002': [
    ['a valid environment', {}, 'pass'],
    [
      'http APP_URL and a missing app variable',
      {
        env: env({ APP_URL: 'http://app.example.com' }),
        config: { env: { OPENAI_API_KEY: (await import('zod')).z.string() } },
      },
      'fail',
      /^2 problems: (?=.*APP_URL must use https)(?=.*OPENAI_API_KEY is required)/,
    ],
    [
      'an http Slack webhook and METRICS_PORT = PORT',
      {
        env: env({
          SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/s3cr3tWebhookPath',
          PORT: '8080',
          METRICS_PORT: '8080',
        }),
      },
      'fail',
      /^2 problems: (?=.*SLACK_WEBHOOK_URL must be an https URL)(?=.*METRICS_PORT is 8080, the same as PORT)(?!.*s3cr3t)/,
    ],
  ],
  'KIT-ENV-003': [
    ['no inspector', {}, 'pass'],
    [
      '--inspect in NODE_OPTIONS',
      { env: env({ NODE_OPTIONS: '--max-old-space-size=512 --inspect=0.0.0.0:9229' }) },
      'fail',
      /NODE_OPTIONS/,
    ],
    [
      '--inspect-brk in the Procfile',
      { files: files({ Procfile: 'web: node --inspect-brk dist/app.js\n' }) },
      'fail',
      /Procfile/,
    ],
    ['DEBUG=*', { env: env({ DEBUG: '*' }) }, 'fail', /DEBUG=\*/],
  ],
  'KIT-SEC-001': [
    ['security on', {}, 'pass'],
    ['security: false', { config: { security: false } }, 'fail', /security: false/],
    [
      'a configuration kit refuses',
      { config: { security: { cors: { origins: ['*'], credentials: true } } } },
      'fail',
      /KIT_SECURITY_CORS_WILDCARD_CREDENTIALS/,
    ],
  ],
  'KIT-SEC-002': [
    ['the default CSP', {}, 'pass', /nonces/],
    ['csp: false', { config: { csp: false } }, 'fail', /turned off/],
    ['report-only', { config: { csp: { reportOnly: true } } }, 'fail', /report-only/],
    ['security off', { config: { security: false } }, 'skip'],
  ],
  'KIT-SEC-003': [
    ['kit defaults', {}, 'pass'],
    [
      "'unsafe-inline' scripts",
      { config: { csp: { 'script-src': ["'self'", "'unsafe-inline'"] } } },
      'fail',
      /unsafe-inline/,
    ],
    [
      "'unsafe-eval'",
      { config: { csp: { 'script-src': ["'self'", "'unsafe-eval'"] } } },
      'fail',
      /unsafe-eval/,
    ],
    [
      'an http: image host in production',
      { config: { csp: { 'img-src': ["'self'", 'http://cdn.example.com'] } } },
      'fail',
      /img-src http:/,
    ],
  ],
  'KIT-SEC-004': [
    ["frame-ancestors 'none'", {}, 'pass'],
    [
      'framing by a partner',
      { config: { csp: { 'frame-ancestors': ['https://partner.example'] } } },
      'fail',
      /partner/,
    ],
  ],
  'KIT-SEC-005': [
    ['strict-origin-when-cross-origin', {}, 'pass'],
    [
      'unsafe-url',
      { config: { security: { referrerPolicy: 'unsafe-url', silenceWarnings: ['referrer-policy-unsafe'] } } },
      'fail',
      /unsafe-url/,
    ],
    ['off', { config: { security: { referrerPolicy: false } } }, 'fail', /off/],
  ],
  'KIT-SEC-006': [
    ['same-origin', {}, 'pass'],
    [
      'unsafe-none',
      { config: { security: { crossOriginOpenerPolicy: 'unsafe-none' } } },
      'fail',
      /unsafe-none/,
    ],
  ],
  'KIT-SEC-007': [
    ['left alone', {}, 'pass'],
    ['turned back on', { files: source("app.enable('x-powered-by')\n") }, 'fail', /src\/server\.ts:1/],
  ],
  'KIT-SEC-008': [
    ['the default list', {}, 'pass', /features/],
    ['off', { config: { security: { permissionsPolicy: false } } }, 'fail'],
  ],
  'KIT-SEC-009': [
    ['on in production', {}, 'pass'],
    ['FORCE_HTTPS=false', { env: env({ FORCE_HTTPS: 'false' }) }, 'fail', /FORCE_HTTPS/],
  ],
  'KIT-SEC-010': [
    ['two years', {}, 'pass'],
    ['hsts: false', { config: { security: { hsts: false } } }, 'fail', /hsts: false/],
  ],
  'KIT-SEC-011': [
    ['two years with subdomains', {}, 'pass'],
    ['six months', { env: env({ HSTS_MAX_AGE: '180d' }) }, 'fail', /15552000 < 31536000/],
    [
      'no subdomains',
      { config: { security: { hsts: { includeSubDomains: false } } } },
      'fail',
      /includeSubDomains/,
    ],
  ],
  'KIT-SEC-012': [
    ['preload', { config: { security: { hsts: { preload: true } } } }, 'pass'],
    ['no preload', {}, 'fail'],
  ],
  'KIT-SEC-013': [
    ['APP_URL set', {}, 'pass', /app\.example\.com/],
    ['no APP_URL', { env: env({ APP_URL: undefined }) }, 'fail', /any Host/],
  ],
  'KIT-PROXY-001': [
    ['one hop, no platform', {}, 'pass'],
    ["Heroku's preset", { env: env({ DYNO: 'web.1', TRUST_PROXY: undefined }) }, 'pass', /Heroku/],
    [
      'Heroku trusting nobody',
      { env: env({ DYNO: 'web.1', TRUST_PROXY: 'false' }) },
      'fail',
      /shares the router's IP/,
    ],
    [
      'Heroku trusting two hops',
      { env: env({ DYNO: 'web.1', TRUST_PROXY: '2' }) },
      'fail',
      /forge X-Forwarded-For/,
    ],
    ['production without a proxy', { env: env({ TRUST_PROXY: undefined }) }, 'fail', /no proxy trusted/],
    ['"true"', { env: env({ TRUST_PROXY: 'true' }) }, 'fail', /TRUST_PROXY trusting every proxy/],
  ],
  'KIT-SEC-014': [
    ['on', {}, 'pass'],
    ['csrf: false', { config: { security: { csrf: false } } }, 'fail'],
  ],
  'KIT-SEC-015': [
    ['1 MiB', {}, 'pass'],
    ['off', { config: { security: { bodyLimit: false } } }, 'fail', /off/],
    ['100 MiB everywhere', { env: env({ MAX_UPLOAD_SIZE: '100mb' }) }, 'fail', /100 MiB/],
  ],
  'KIT-SEC-016': [
    ['production', {}, 'pass'],
    ['development', { env: env({ NODE_ENV: 'development' }) }, 'fail', /not production/],
    [
      'err.stack sent',
      { files: source('app.use((err, req, res, next) => res.status(500).send(err.stack))\n') },
      'fail',
      /stack trace/,
    ],
  ],
  'KIT-SEC-020': [
    ['no reflection', {}, 'pass'],
    [
      'Origin echoed by hand',
      { files: source("res.setHeader('Access-Control-Allow-Origin', req.headers.origin)\n") },
      'fail',
      /server\.ts:1/,
    ],
    [
      'cors({ origin: true, credentials: true })',
      { files: source('app.use(cors({\n  origin: true,\n  credentials: true,\n}))\n') },
      'fail',
      /server\.ts:2/,
    ],
    [
      'cors({ origin: true }) without credentials',
      { files: source('app.use(cors({ origin: true }))\n') },
      'pass',
    ],
  ],
  'KIT-SEC-021': [
    ['no CORS', {}, 'pass'],
    [
      '"*" without credentials',
      { config: { security: { cors: { origins: ['*'] } } } },
      'pass',
      /public data/,
    ],
    [
      '"*" with credentials',
      { config: { security: { cors: { origins: ['*'], credentials: true } } } },
      'fail',
      /every origin/,
    ],
  ],
  'KIT-SEC-022': [
    ['own subdomains', { env: env({ ALLOWED_ORIGINS: 'https://*.example.com' }) }, 'pass'],
    [
      '*.herokuapp.com',
      { env: env({ ALLOWED_ORIGINS: 'https://*.herokuapp.com' }) },
      'fail',
      /every other customer/,
    ],
    [
      'an unanchored regex',
      { files: source('app.use(cors({ origin: /example\\.com$/, credentials: true }))\n') },
      'fail',
      /look-alike/,
    ],
    [
      'an anchored regex',
      { files: source('app.use(cors({ origin: /^https:\\/\\/app\\.example\\.com$/ }))\n') },
      'pass',
    ],
    [
      'endsWith on the origin',
      { files: source("if (origin.endsWith('example.com')) allow()\n") },
      'fail',
      /look-alike/,
    ],
  ],
  'KIT-SEC-023': [
    ['https origins', { env: env({ ALLOWED_ORIGINS: 'https://app.example.com' }) }, 'pass'],
    [
      'an http origin in production',
      { env: env({ ALLOWED_ORIGINS: 'http://app.example.com' }) },
      'fail',
      /http:\/\/app\.example\.com/,
    ],
  ],
  'KIT-SEC-030': [
    ['secureCookie()', { files: source("res.append('Set-Cookie', secureCookie('session', id))\n") }, 'pass'],
    [
      'secure: false',
      { files: source("res.cookie('sid', id, { secure: false, httpOnly: true })\n") },
      'fail',
      /server\.ts:1/,
    ],
    [
      'a raw session cookie without Secure',
      { files: source("res.append('Set-Cookie', 'session=' + id + '; Path=/; HttpOnly')\n") },
      'fail',
      /without Secure/,
    ],
    [
      'express-session without cookie.secure',
      {
        files: source(
          "import session from 'express-session'\napp.use(session({ name: 'sid', secret: process.env.SESSION_SECRET }))\n",
        ),
      },
      'fail',
      /express-session without cookie\.secure/,
    ],
  ],
  'KIT-SEC-031': [
    ['HttpOnly kept', {}, 'pass'],
    [
      'httpOnly: false',
      { files: source("res.cookie('token', t, { httpOnly: false })\n") },
      'fail',
      /readable by scripts/,
    ],
  ],
  'KIT-SEC-032': [
    ['Lax', {}, 'pass'],
    ["'none' without secure", { files: source("res.cookie('pref', v, { sameSite: 'none' })\n") }, 'fail'],
    [
      "'none' with secure",
      { files: source("res.cookie('embed', v, { sameSite: 'none', secure: true })\n") },
      'pass',
    ],
  ],
  'KIT-SEC-033': [
    [
      'named',
      {
        files: source(
          "import session from 'express-session'\napp.use(session({ name: '__Host-sid', cookie: { secure: true } }))\n",
        ),
      },
      'pass',
    ],
    [
      'connect.sid',
      {
        files: source(
          "import session from 'express-session'\napp.use(session({ cookie: { secure: true } }))\n",
        ),
      },
      'fail',
      /connect\.sid/,
    ],
  ],
  'KIT-SEC-040': [
    ['strong secrets', { env: env({ SESSION_SECRET: STRONG }) }, 'pass', /secrets strong/],
    [
      'a placeholder',
      { env: env({ SESSION_SECRET: 'keyboard cat' }) },
      'fail',
      /SESSION_SECRET is a placeholder/,
    ],
    ['too short', { env: env({ JWT_SECRET: 'Zx8#kQ2!' }) }, 'fail', /JWT_SECRET is too short/],
  ],
  'KIT-SEC-041': [
    [
      'strong keys',
      { env: env({ SESSION_SECRETS: `${STRONG},${STRONG.split('').reverse().join('')}` }) },
      'pass',
    ],
    ['an old weak key', { env: env({ SESSION_SECRETS: `${STRONG},changeme` }) }, 'fail', /key 2/],
  ],
  'KIT-SEC-042': [
    ['clean', {}, 'pass'],
    [
      'a literal session secret',
      { files: source("app.use(session({ secret: 'keyboard cat' }))\n") },
      'fail',
      /server\.ts:1/,
    ],
  ],
  'KIT-RL-001': [
    ['on', {}, 'pass'],
    ['rateLimit: false', { config: { rateLimit: false } }, 'fail'],
    ['RATE_LIMIT_ENABLED=false', { env: env({ RATE_LIMIT_ENABLED: 'false' }) }, 'fail', /RATE_LIMIT_ENABLED/],
  ],
  'KIT-RL-002': [
    ['Redis', {}, 'pass', /Redis/],
    ['memory, one instance', { env: env({ REDIS_URL: undefined }) }, 'pass'],
    [
      'memory with WEB_CONCURRENCY=4',
      { env: env({ REDIS_URL: undefined, WEB_CONCURRENCY: '4' }) },
      'fail',
      /WEB_CONCURRENCY=4/,
    ],
    ['memory on a Heroku dyno', { env: env({ REDIS_URL: undefined, DYNO: 'web.1' }) }, 'fail', /DYNO/],
  ],
  'KIT-REDIS-001': [
    ['set', {}, 'pass'],
    ['unset with REPLICAS=3', { env: env({ REDIS_URL: undefined, REPLICAS: '3' }) }, 'fail', /REPLICAS=3/],
  ],
  'KIT-DB-001': [
    ['a server', {}, 'pass'],
    ['embedded in production', { env: env({ DATABASE_URL: undefined }) }, 'fail', /PGlite/],
  ],
  'KIT-DB-002': [
    ['TLS on', {}, 'pass'],
    ['DATABASE_SSL=off', { env: env({ DATABASE_SSL: 'off' }) }, 'fail', /clear text/],
    [
      'sslmode=disable',
      { env: env({ DATABASE_URL: 'postgres://a:b@db.example.com/app?sslmode=disable' }) },
      'fail',
      /sslmode=disable/,
    ],
    [
      'local',
      { env: env({ DATABASE_URL: 'postgres://postgres@127.0.0.1/app', DATABASE_SSL: 'off' }) },
      'pass',
    ],
  ],
  'KIT-MAIL-001': [
    ['SendGrid', {}, 'pass'],
    ['none in production', { env: env({ MAIL_PROVIDER: undefined }) }, 'fail'],
  ],
  'KIT-MAIL-002': [
    ['SendGrid', {}, 'pass'],
    ['files in production', { env: env({ MAIL_PROVIDER: 'file' }) }, 'fail', /never delivered/],
  ],
  'KIT-OBS-001': [
    ['a DSN', {}, 'pass'],
    ['no DSN', { env: env({ SENTRY_DSN: undefined }) }, 'fail'],
  ],
  'KIT-OBS-002': [
    ['preloaded', {}, 'pass'],
    [
      'not preloaded',
      { files: files({ Procfile: 'web: node dist/app.js\nrelease: kit release\n' }) },
      'fail',
      /node dist\/app\.js/,
    ],
    [
      'in NODE_OPTIONS',
      {
        files: files({ Procfile: 'web: node dist/app.js\n' }),
        env: env({ NODE_OPTIONS: '--import @kit/sentry/instrument' }),
      },
      'pass',
    ],
    ['nothing to read', { files: { 'src/app.ts': '' } }, 'skip'],
  ],
  'KIT-ALERT-001': [
    ['a Slack webhook', {}, 'pass', /Slack/],
    [
      'mail only',
      { env: env({ SLACK_WEBHOOK_URL: undefined, ALERT_EMAIL_TO: 'ops@example.com' }) },
      'pass',
      /mail/,
    ],
    ['no notifier', { env: env({ SLACK_WEBHOOK_URL: undefined }) }, 'fail', /neither SLACK_WEBHOOK_URL/],
    ['a webhook that metrics: false silences', { config: { metrics: false } }, 'fail', /KIT-ALERT-002/],
    ['development', { env: env({ NODE_ENV: 'development', SLACK_WEBHOOK_URL: undefined }) }, 'pass'],
  ],
  'KIT-ALERT-002': [
    ['nothing turned off', {}, 'pass', /Slack on/],
    [
      'metrics: false',
      { config: { metrics: false } },
      'fail',
      /SLACK_WEBHOOK_URL is set but .*`metrics: false`/,
    ],
    ['enabled: false', { config: { metrics: { enabled: false } } }, 'fail', /`metrics.enabled: false`/],
    ['alerts: false', { config: { metrics: { alerts: false } } }, 'fail', /`metrics.alerts: false`/],
    [
      'mail turned off',
      {
        env: env({ ALERT_EMAIL_TO: 'ops@example.com' }),
        config: { metrics: { alerts: { notify: { mail: false } } } },
      },
      'fail',
      /^ALERT_EMAIL_TO is set but .*notify.mail: false/,
    ],
    ['no notifier', { env: env({ SLACK_WEBHOOK_URL: undefined }) }, 'skip'],
  ],
  'KIT-ALERT-003': [
    ['SendGrid', { env: env({ ALERT_EMAIL_TO: 'ops@example.com' }) }, 'pass', /sendgrid/],
    [
      'no provider',
      { env: env({ ALERT_EMAIL_TO: 'ops@example.com', MAIL_PROVIDER: undefined }) },
      'fail',
      /no MAIL_PROVIDER/,
    ],
    [
      'files in production',
      { env: env({ ALERT_EMAIL_TO: 'ops@example.com', MAIL_PROVIDER: 'file' }) },
      'fail',
      /never delivered/,
    ],
    ['no recipients', {}, 'skip'],
  ],
  'KIT-ALERT-004': [
    ['unset', {}, 'skip'],
    ['on Fly.io', { env: env({ METRICS_PORT: '9100', FLY_APP_NAME: 'shop' }) }, 'pass', /9100/],
    ['on Heroku', { env: env({ METRICS_PORT: '9100', DYNO: 'web.1' }) }, 'fail', /only PORT is routed/],
  ],
  'KIT-DEPLOY-001': [
    ['kit release', {}, 'pass'],
    ['npx kit release', { files: files({ Procfile: 'release: npx kit release\n' }) }, 'pass'],
    [
      'another release command',
      { files: files({ Procfile: 'release: npm run migrate\n' }) },
      'fail',
      /npm run migrate/,
    ],
    ['no release process', { files: files({ Procfile: 'web: node dist/app.js\n' }) }, 'fail', /no release/],
    ['no Procfile', { files: { 'src/app.ts': '' } }, 'skip'],
  ],
  'KIT-DEPLOY-002': [
    ['25 s on Heroku', { env: env({ DYNO: 'web.1' }) }, 'pass'],
    ['40 s on Heroku', { env: env({ DYNO: 'web.1', SHUTDOWN_TIMEOUT_MS: '40s' }) }, 'fail', /30000 ms/],
    ['no platform', {}, 'skip'],
  ],
  'KIT-DEPLOY-003': [
    ['the defaults on Heroku', { env: env({ DYNO: 'web.1' }) }, 'pass'],
    [
      "keep-alive under Heroku's 90 s",
      { env: env({ DYNO: 'web.1' }), config: { server: { keepAliveTimeoutMs: 65_000 } } },
      'fail',
      /heroku router's idle timeout/,
    ],
    [
      'Node’s 300 s request timeout',
      { config: { server: { requestTimeoutMs: 300_000 } } },
      'fail',
      /slow bodies/,
    ],
  ],
}

describe('every doctor check has fixtures', () => {
  it('covers each KIT-* id (online ones in doctor-online.test.ts)', () => {
    expect([...Object.keys(CASES), ...ONLINE].sort()).toEqual(DOCTOR_CHECKS.map((c) => c.id).sort())
  })

  it.each(ONLINE)('%s skips without --online', async (id) => {
    expect((await doctorCheck(id)).status).toBe('skip')
  })
})

for (const [id, cases] of Object.entries(CASES)) {
  describe(id, () => {
    it.each(cases)('%s', async (_label, fixture, status, finding) => {
      const result = await doctorCheck(id, fixture)
      expect(result.status, result.finding).toBe(status)
      if (finding) expect(result.finding).toMatch(finding)
      if (status === 'fail') expect(result.fix.length).toBeGreaterThan(10)
    })
  })
}
