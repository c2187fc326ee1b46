import type { MailProviderName, NodeEnv } from './builtin.ts'
import { detectRelease, type EnvSource } from './presets.ts'

/** What the cross-variable rules may read and do; implemented by the loader. */
export interface RuleContext {
  nodeEnv: NodeEnv
  /** Raw (trimmed, merged) values. */
  raw: EnvSource
  /** Parsed values of the variables that passed their own schema. */
  parsed: Record<string, unknown>
  /** True when the variable has already been reported. */
  hasProblem(name: string): boolean
  problem(name: string, problem: string, fix: string, status: 'missing' | 'invalid'): void
  /** Fills an unset variable with a value computed from others; `origin` says from what. */
  fill(name: string, value: unknown, origin: string): void
}

const MAIL_KEYS: readonly [MailProviderName, string, string][] = [
  ['sendgrid', 'SENDGRID_API_KEY', 'your SendGrid API key (it starts with "SG.")'],
  ['resend', 'RESEND_API_KEY', 'your Resend API key (it starts with "re_")'],
  ['smtp', 'SMTP_URL', 'smtp://user:password@host:587 or smtps://user:password@host:465'],
]
const REAL_PROVIDERS = new Set<string>(['smtp', 'sendgrid', 'resend'])

/** Defaults that depend on NODE_ENV or on the platform. */
function fillComputedDefaults(ctx: RuleContext): void {
  const production = ctx.nodeEnv === 'production'
  if (ctx.parsed.FORCE_HTTPS === undefined && !ctx.hasProblem('FORCE_HTTPS')) {
    ctx.fill('FORCE_HTTPS', production, 'NODE_ENV')
  }
  if (ctx.parsed.SENTRY_ENVIRONMENT === undefined) ctx.fill('SENTRY_ENVIRONMENT', ctx.nodeEnv, 'NODE_ENV')
  if (ctx.parsed.SENTRY_RELEASE === undefined) {
    const release = detectRelease(ctx.raw)
    if (release) ctx.fill('SENTRY_RELEASE', release, 'platform')
  }
  if (ctx.parsed.MAIL_PROVIDER === undefined && !ctx.hasProblem('MAIL_PROVIDER')) {
    ctx.fill('MAIL_PROVIDER', production ? [] : ['file'], 'NODE_ENV')
  }
}

function checkMail(ctx: RuleContext): void {
  const providers = ctx.parsed.MAIL_PROVIDER
  if (!Array.isArray(providers)) return
  const unique = [...new Set(providers as string[])]
  if (unique.length !== providers.length) ctx.parsed.MAIL_PROVIDER = unique
  for (const [provider, key, expected] of MAIL_KEYS) {
    if (unique.includes(provider) && ctx.raw[key] === undefined && !ctx.hasProblem(key)) {
      ctx.problem(
        key,
        `is required because MAIL_PROVIDER includes "${provider}"`,
        `Set ${key} to ${expected}, or remove ${provider} from MAIL_PROVIDER.`,
        'missing',
      )
    }
  }
  const real = unique.filter((p) => REAL_PROVIDERS.has(p))
  if (real.length > 0 && ctx.raw.MAIL_FROM === undefined && !ctx.hasProblem('MAIL_FROM')) {
    ctx.problem(
      'MAIL_FROM',
      `is required because MAIL_PROVIDER includes "${real[0]}"`,
      'Set MAIL_FROM to the sender address, e.g. "Example <hello@example.com>", on a domain verified with your provider.',
      'missing',
    )
  }
}

function checkAppUrl(ctx: RuleContext): void {
  const appUrl = ctx.parsed.APP_URL
  if (ctx.nodeEnv === 'production' && typeof appUrl === 'string' && !/^https:/i.test(appUrl)) {
    ctx.problem(
      'APP_URL',
      'must use https: in production',
      'Serve the app over HTTPS and set APP_URL=https://your-domain (platforms give you a certificate).',
      'invalid',
    )
  }
}

/** `*` is fine for a public API; with credentials every site could read users' data (as @kit/security refuses too). */
function checkCors(ctx: RuleContext): void {
  const origins = ctx.parsed.ALLOWED_ORIGINS
  if (Array.isArray(origins) && origins.includes('*') && ctx.parsed.CORS_ALLOW_CREDENTIALS === true) {
    ctx.problem(
      'ALLOWED_ORIGINS',
      'is "*" while CORS_ALLOW_CREDENTIALS is true: every site could read your users\' data',
      'List the origins that may send cookies (https://app.example.com,https://*.example.com), or set CORS_ALLOW_CREDENTIALS=false for a public API.',
      'invalid',
    )
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The webhook is a secret in its path: plain http is for local test receivers only (as @kit/metrics enforces). */
function checkAlerts(ctx: RuleContext): void {
  const webhook = ctx.parsed.SLACK_WEBHOOK_URL
  if (typeof webhook === 'string') {
    const url = new URL(webhook)
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      ctx.problem(
        'SLACK_WEBHOOK_URL',
        'must be an https URL (plain http is accepted for 127.0.0.1 and localhost only)',
        'Use the https://hooks.slack.com/services/... URL Slack gave you: over http the webhook travels in clear text.',
        'invalid',
      )
    }
  }
  const port = ctx.parsed.METRICS_PORT
  if (typeof port === 'number' && port !== 0 && port === ctx.parsed.PORT) {
    ctx.problem(
      'METRICS_PORT',
      `is ${port}, the same as PORT: the metrics server needs a port of its own`,
      'Pick another port for METRICS_PORT (9100 is usual), or unset it to serve /metrics on the app.',
      'invalid',
    )
  }
}

/** Rules that involve more than one variable, run after each variable was parsed on its own. */
export function applyRules(ctx: RuleContext): void {
  fillComputedDefaults(ctx)
  checkMail(ctx)
  checkAppUrl(ctx)
  checkCors(ctx)
  checkAlerts(ctx)
}
