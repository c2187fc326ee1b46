import { z } from 'zod'
import { VALUE_FREE } from './context.ts'
import { bool, bytes, databaseUrl, duration, type EnvType, int, list, number, oneOf, url } from './helpers.ts'
import { ORIGINS_FIX, origins } from './origins.ts'
import { SECRET_FIX, secret } from './secret.ts'
import { TRUST_PROXY_FIX, type TrustProxy, trustProxy } from './trust-proxy.ts'

export type NodeEnv = 'development' | 'production' | 'test'
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
export type DatabaseSsl = 'auto' | 'verify' | 'no-verify' | 'off'
export type MailProviderName = 'smtp' | 'sendgrid' | 'resend' | 'file' | 'log' | 'memory'

/** The built-in variables (DESIGN §3), already coerced. docs/configuration.md describes each. */
export interface KitEnv {
  NODE_ENV: NodeEnv
  PORT: number
  LOG_LEVEL: LogLevel
  /** Public URL of the app; https: in production. */
  APP_URL?: string
  TRUST_PROXY: TrustProxy
  ALLOWED_ORIGINS: string[]
  CORS_ALLOW_CREDENTIALS: boolean
  /** true in production unless set. */
  FORCE_HTTPS: boolean
  /** Seconds. */
  HSTS_MAX_AGE: number
  DATABASE_URL?: string
  DATABASE_POOL_MAX: number
  DATABASE_SSL: DatabaseSsl
  /** REDIS_TLS_URL when it is set (Heroku), else REDIS_URL. */
  REDIS_URL?: string
  RATE_LIMIT_ENABLED: boolean
  RATE_LIMIT_PER_MINUTE: number
  AUTH_RATE_LIMIT_PER_MINUTE: number
  AI_RATE_LIMIT_PER_MINUTE: number
  SENTRY_DSN?: string
  /** NODE_ENV unless set. */
  SENTRY_ENVIRONMENT: string
  SENTRY_TRACES_SAMPLE_RATE: number
  /** From the platform (HEROKU_SLUG_COMMIT, RENDER_GIT_COMMIT...) unless set. */
  SENTRY_RELEASE?: string
  /** Failover chain, in order. ['file'] outside production unless set, [] in production. */
  MAIL_PROVIDER: MailProviderName[]
  MAIL_FROM?: string
  SENDGRID_API_KEY?: string
  RESEND_API_KEY?: string
  SMTP_URL?: string
  /** Bytes. */
  MAX_UPLOAD_SIZE: number
  SHUTDOWN_TIMEOUT_MS: number
  SHUTDOWN_READINESS_DELAY_MS: number
  KIT_HEALTH_TOKEN?: string
  METRICS_TOKEN?: string
  /** Port of a separate metrics server; unset, the app serves /metrics itself. */
  METRICS_PORT?: number
  /** Slack incoming webhook for alert notices; setting it turns metrics and alerts on. */
  SLACK_WEBHOOK_URL?: string
  /** Alert mail recipients (through kit.mailer); [] unless set. Setting it turns metrics and alerts on. */
  ALERT_EMAIL_TO: string[]
}

/**
 * Metadata kit reads from a schema (set with `.meta({...})`): everything
 * `kit env example` and `kit env check` print.
 */
export interface EnvMeta {
  description?: string
  /** Section of .env.example. */
  group?: string
  /** Treat the value as a secret: masked, never printed, scrubbed from logs by value. */
  secret?: boolean
  /** Shown instead of the schema default, for defaults that depend on other variables. */
  defaultText?: string
  /** When an optional variable becomes required, in words. */
  requiredWhen?: string
  /** How to fix a bad value, appended to the error. */
  fix?: string
  /** A sample value for .env.example (never for secrets). */
  example?: string
}

function env<T extends z.ZodType>(schema: T, meta: EnvMeta): T {
  return schema.meta({ ...meta })
}

const MAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

function mailFrom(): EnvType<string> {
  return z.string().refine(
    (value) => {
      const text = value.trim()
      const named = /^[^<>]*<\s*([^<>]+?)\s*>$/.exec(text)
      return MAIL_ADDRESS.test(named ? named[1]! : text)
    },
    { message: 'expected an email address or "Name <address>"', params: VALUE_FREE },
  )
}

function apiKey(provider: string, prefix: string): EnvType<string> {
  return z
    .string()
    .refine((value) => value.trim().startsWith(prefix), {
      message: `expected a ${provider} API key (it starts with "${prefix}")`,
      params: VALUE_FREE,
    })
    .transform((value) => value.trim())
}

const MAIL_PROVIDERS: readonly MailProviderName[] = ['smtp', 'sendgrid', 'resend', 'file', 'log', 'memory']

/** Variables that must be named exactly: each one's schema, description and rules. */
export const BUILTIN_SHAPE: Readonly<Record<keyof KitEnv, z.ZodType>> = Object.freeze({
  NODE_ENV: env(oneOf(['development', 'production', 'test']).default('development'), {
    group: 'General',
    description:
      'Which environment this is. production turns on the strict rules: https APP_URL, strong secrets, no .env files.',
    fix: 'Use development, production or test; name other stages (staging, preview) with SENTRY_ENVIRONMENT.',
  }),
  PORT: env(int({ min: 0, max: 65535 }).default(3000), {
    group: 'General',
    description: 'TCP port the HTTP server listens on. Platforms set it for you.',
    example: '3000',
  }),
  LOG_LEVEL: env(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), {
    group: 'General',
    description: 'Lowest level written to the log.',
  }),
  APP_URL: env(url({ protocols: ['https', 'http'] }).optional(), {
    group: 'General',
    description:
      'Public URL of the app (https://example.com), for links in mail, the canonical host and CSRF checks. Must be https: in production.',
    defaultText: 'from the platform (Render, Fly.io, Railway)',
    example: 'https://example.com',
  }),
  TRUST_PROXY: env(trustProxy().default(false), {
    group: 'HTTP and security',
    description:
      'Which proxies may set X-Forwarded-For/-Proto: a hop count (1 behind one load balancer) or a list of IPs/CIDRs. "true" is refused.',
    defaultText: 'false (trust nobody); 1 with a platform preset',
    fix: TRUST_PROXY_FIX,
    example: '1',
  }),
  ALLOWED_ORIGINS: env(origins().default([]), {
    group: 'HTTP and security',
    description:
      'Origins allowed to call the app cross-site (CORS), comma-separated: https://example.com,https://*.example.com.',
    defaultText: 'none (same-origin only)',
    fix: ORIGINS_FIX,
    example: 'https://example.com',
  }),
  CORS_ALLOW_CREDENTIALS: env(bool().default(false), {
    group: 'HTTP and security',
    // The name ends in "credentials", but the value is a flag.
    secret: false,
    description: 'Let allowed origins send cookies and credentials (Access-Control-Allow-Credentials).',
  }),
  FORCE_HTTPS: env(bool().optional(), {
    group: 'HTTP and security',
    description: 'Redirect http:// requests to https:// and send HSTS.',
    defaultText: 'true in production, else false',
  }),
  HSTS_MAX_AGE: env(duration({ unit: 's', min: 0 }).default(63_072_000), {
    group: 'HTTP and security',
    description: 'How long browsers remember to use https only: seconds, or 2y, 180d...',
    defaultText: '63072000 (2 years)',
  }),
  DATABASE_URL: env(databaseUrl().optional(), {
    group: 'Database',
    secret: true,
    description:
      'postgres://user:password@host:5432/db (or mysql://, mariadb://). Unset: an embedded database under .kit/.',
    fix: 'Use postgres://user:password@host:5432/database (or postgresql://, mysql://, mariadb://); percent-encode special characters in the password.',
  }),
  DATABASE_POOL_MAX: env(int({ min: 1 }).default(10), {
    group: 'Database',
    description: 'Most connections each process opens to the database.',
  }),
  DATABASE_SSL: env(
    oneOf(['auto', 'verify', 'no-verify', 'off'], {
      aliases: { true: 'verify', require: 'verify', yes: 'verify', on: 'verify', false: 'off', no: 'off' },
    }).default('auto'),
    {
      group: 'Database',
      description:
        'TLS to the database: auto (off for local hosts, the platform default elsewhere), verify, no-verify or off.',
    },
  ),
  REDIS_URL: env(url({ protocols: ['redis', 'rediss'] }).optional(), {
    group: 'Redis',
    secret: true,
    description:
      'redis:// or rediss:// URL shared by every instance (rate limits, flag changes). REDIS_TLS_URL wins when set (Heroku). Unset: in memory.',
  }),
  RATE_LIMIT_ENABLED: env(bool().default(true), {
    group: 'Rate limits',
    description: 'Turn rate limiting on or off.',
  }),
  RATE_LIMIT_PER_MINUTE: env(int({ min: 1 }).default(100), {
    group: 'Rate limits',
    description: 'Requests per minute per client in the default tier.',
  }),
  AUTH_RATE_LIMIT_PER_MINUTE: env(int({ min: 1 }).default(5), {
    group: 'Rate limits',
    description: 'Requests per minute per client in the auth tier (login, password reset).',
  }),
  AI_RATE_LIMIT_PER_MINUTE: env(int({ min: 1 }).default(20), {
    group: 'Rate limits',
    description: 'Requests per minute per client in the ai tier.',
  }),
  SENTRY_DSN: env(url({ protocols: ['https', 'http'] }).optional(), {
    group: 'Error tracking',
    secret: true,
    description: 'Sentry DSN; error tracking is off while unset.',
  }),
  SENTRY_ENVIRONMENT: env(z.string().trim().optional(), {
    group: 'Error tracking',
    description: 'Environment name shown in Sentry (production, staging...).',
    defaultText: 'NODE_ENV',
  }),
  SENTRY_TRACES_SAMPLE_RATE: env(number({ min: 0, max: 1 }).default(0), {
    group: 'Error tracking',
    description: 'Share of requests traced for performance monitoring, 0 to 1.',
  }),
  SENTRY_RELEASE: env(z.string().trim().optional(), {
    group: 'Error tracking',
    description: 'Release name sent to Sentry.',
    defaultText:
      'from the platform: HEROKU_SLUG_COMMIT, SOURCE_VERSION, RENDER_GIT_COMMIT, RAILWAY_GIT_COMMIT_SHA, FLY_IMAGE_REF, GIT_SHA',
  }),
  MAIL_PROVIDER: env(list(oneOf(MAIL_PROVIDERS)).optional(), {
    group: 'Mail',
    description:
      'Mail providers in failover order, comma-separated: smtp, sendgrid, resend, file (.eml files under .kit/mail), log, memory.',
    defaultText: 'file outside production; none in production',
    example: 'sendgrid,resend',
  }),
  MAIL_FROM: env(mailFrom().optional(), {
    group: 'Mail',
    description: 'Sender of outgoing mail: an address or "Name <address>".',
    requiredWhen: 'MAIL_PROVIDER includes smtp, sendgrid or resend',
    example: 'Example <hello@example.com>',
  }),
  SENDGRID_API_KEY: env(apiKey('SendGrid', 'SG.').optional(), {
    group: 'Mail',
    secret: true,
    description: 'SendGrid API key (starts with SG.).',
    requiredWhen: 'MAIL_PROVIDER includes sendgrid',
    fix: 'Create a key with the Mail Send permission in SendGrid (Settings → API Keys) and set it here.',
  }),
  RESEND_API_KEY: env(apiKey('Resend', 're_').optional(), {
    group: 'Mail',
    secret: true,
    description: 'Resend API key (starts with re_).',
    requiredWhen: 'MAIL_PROVIDER includes resend',
    fix: 'Create a sending key in Resend (API Keys) and set it here.',
  }),
  SMTP_URL: env(url({ protocols: ['smtp', 'smtps'] }).optional(), {
    group: 'Mail',
    secret: true,
    description: 'smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465.',
    requiredWhen: 'MAIL_PROVIDER includes smtp',
  }),
  MAX_UPLOAD_SIZE: env(bytes({ min: 1 }).default(1_048_576), {
    group: 'Limits and shutdown',
    description: 'Largest request body accepted: bytes, or 512kb, 10mb...',
    defaultText: '1mb',
  }),
  SHUTDOWN_TIMEOUT_MS: env(duration({ min: 0 }).default(25_000), {
    group: 'Limits and shutdown',
    description:
      'How long in-flight requests may finish after SIGTERM: milliseconds, or 25s... Keep it under the platform limit (Heroku: 30s).',
    defaultText: '25000 (25s)',
  }),
  SHUTDOWN_READINESS_DELAY_MS: env(duration({ min: 0 }).default(0), {
    group: 'Limits and shutdown',
    description:
      'How long readiness answers 503 before the server stops accepting, so load balancers notice: milliseconds, or 5s...',
  }),
  KIT_HEALTH_TOKEN: env(secret().optional(), {
    group: 'Operations',
    secret: true,
    description: 'Token that unlocks detailed health output for callers outside the private network.',
    fix: SECRET_FIX,
  }),
  METRICS_TOKEN: env(secret().optional(), {
    group: 'Operations',
    secret: true,
    description:
      'Bearer token required to read the Prometheus metrics endpoint from outside the private network.',
    fix: SECRET_FIX,
  }),
  METRICS_PORT: env(int({ min: 0, max: 65535 }).optional(), {
    group: 'Operations',
    description:
      'Serve the Prometheus metrics on their own server on this port (9100 is usual) instead of the app. Setting it turns metrics on. Must differ from PORT.',
    defaultText: 'none (the app serves /metrics when metrics are on)',
    example: '9100',
  }),
  SLACK_WEBHOOK_URL: env(url({ protocols: ['https', 'http'] }).optional(), {
    group: 'Operations',
    secret: true,
    description:
      'Slack incoming-webhook URL that receives alert notices. Setting it turns metrics and the default alert rules on (docs/metrics-and-alerts.md).',
    fix: 'Paste the https://hooks.slack.com/services/... URL Slack shows under Incoming Webhooks.',
  }),
  ALERT_EMAIL_TO: env(list(mailFrom()).default([]), {
    group: 'Operations',
    description:
      'Who receives alert mail, comma-separated (sent through the mailer: needs MAIL_PROVIDER). Setting it turns metrics and the default alert rules on.',
    defaultText: 'none',
    example: 'ops@example.com',
  }),
})

export const BUILTIN_NAMES: readonly (keyof KitEnv)[] = Object.freeze(
  Object.keys(BUILTIN_SHAPE) as (keyof KitEnv)[],
)
