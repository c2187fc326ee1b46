import type { DoctorOptions } from '@kit/doctor'
import type { PresetChoice } from '@kit/env'
import type { EvaluationContext, FlagDefinitions, FlagsOptions } from '@kit/flags'
import type { HealthOptions } from '@kit/health'
import type { ErrorRenderer } from '@kit/internal'
import type { LoggerSetting } from '@kit/logger'
import type { MailerOptions } from '@kit/mailer'
import type { MetricsOptions } from '@kit/metrics'
import type { MigrationsConfig } from '@kit/migrate'
import type { RateLimitOptions } from '@kit/rate-limit'
import type { CspOptions, SecurityOptions, SecurityWarning } from '@kit/security'
import type { SentryOptions } from '@kit/sentry'
import type { z } from 'zod'
import type { DatabaseOptions } from '../connections/database.ts'
import type { RedisConnectionOptions } from '../connections/redis.ts'
import type { StartupWarning } from '../productionize/startup-warnings.ts'
import type { ServerTimeoutOptions } from '../server/timeouts.ts'

/**
 * kit.config.{ts,mjs,js}: the one source of truth read by productionize()
 * and by the `kit` CLI. Every field is optional; env fills the rest
 * (code beats env, env beats defaults).
 */
export interface KitConfig<
  S extends z.ZodRawShape = z.ZodRawShape,
  F extends FlagDefinitions = FlagDefinitions,
> {
  /** The app's own env variables (zod 4 shape), on top of the built-in ones. */
  env?: S
  /** Platform defaults: 'auto' detects Heroku, Render, Fly.io, Railway. @default 'auto' */
  preset?: PresetChoice
  /** The app's root: where .env, .kit/ and migrations/ live. @default process.cwd() */
  cwd?: string
  /** Where env is read from instead of process.env (tests, scripts). @default process.env */
  envSource?: Readonly<Record<string, string | undefined>>
  /** Logger options (kit's and pino's: transport, redact, formatters...), or your own pino instance. */
  logger?: LoggerSetting
  /** Headers, HTTPS/HSTS, hosts, CORS, CSRF, body limits (env ALLOWED_ORIGINS, FORCE_HTTPS, HSTS_MAX_AGE, MAX_UPLOAD_SIZE...). `false` installs none of them (`kit doctor` reports it). */
  security?: SecurityOptions | false
  /** CSP directives merged over kit's strict policy, e.g. `{ 'connect-src': ["'self'", 'wss:'] }`; `false` sends no CSP. */
  csp?: CspOptions | false
  /** Tiers, route → tier map, stores, brute-force limits (env RATE_LIMIT_*). `false` installs none (like RATE_LIMIT_ENABLED=false). */
  rateLimit?: RateLimitOptions | false
  health?: HealthOptions
  /** kit.mailer: providers, failover, retries (env MAIL_PROVIDER, MAIL_FROM, keys fill the rest). */
  mail?: MailerOptions
  /** Sentry options beyond env (SENTRY_DSN, SENTRY_ENVIRONMENT...): opt-in data collection, extra redaction keys. */
  sentry?: SentryOptions
  /** Feature flags by name: `{ newCheckout: { default: false, description } }` types kit.flags.get(). */
  flags?: F
  /** Flag sources and invalidation (flags.json, polling, Postgres NOTIFY or Redis pub/sub). */
  flagOptions?: FlagsOptions
  /** A request's flag context (after your auth middleware). @default `{ userId: req.user?.id }` */
  flagContext?: (req: any) => EvaluationContext | undefined
  /** `kit release` / `kit migrate`: directory (migrations), timeouts, unsafe-operation policy, backups. */
  migrations?: MigrationsConfig
  /** `kit doctor`: silence checks one by one, with a reason: `{ silence: { 'KIT-SEC-012': 'why' } }`. */
  doctor?: DoctorOptions
  /** Request metrics, the Prometheus endpoint and alert rules. On when set, or when METRICS_TOKEN, METRICS_PORT, SLACK_WEBHOOK_URL or ALERT_EMAIL_TO is; `false` turns it off. */
  metrics?: MetricsOptions | false
  /** Timeouts of kit.db connections. */
  database?: DatabaseOptions
  /** Fail-fast settings of kit.redis. */
  redis?: RedisConnectionOptions
  /**
   * How kit's error responses look. `render(error, req)` gets kit's error
   * (`{ status, title, message, code?, requestId? }`, already safe for
   * production) and returns `{ body, status?, contentType? }` in the app's own
   * shape, or undefined to keep kit's `{ "error": {...} }` body.
   */
  errors?: { render?: ErrorRenderer }
  /**
   * Start-up warnings to stay quiet about, by the name the warning prints:
   * kit's (`'own-error-handler'`) and @kit/security's (`'csp-unsafe-inline'`),
   * one list for both.
   */
  silenceWarnings?: (StartupWarning | SecurityWarning)[]
  /** HTTP server timeouts set by kit.listen() (headers, whole request, keep-alive idle); see docs/security.md. */
  server?: ServerTimeoutOptions
}
