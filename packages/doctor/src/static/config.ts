import type { MailerOptions } from '@kit/mailer'
import type { SecurityOptions } from '@kit/security'

export interface MetricsSection {
  enabled?: boolean
  alerts?:
    | false
    | { notify?: { slack?: false | { webhookUrl?: string }; mail?: false | { to?: string | string[] } } }
}

/**
 * The part of kit.config `kit doctor` reads, typed structurally so
 * @kit/doctor does not depend on @kit/core (which depends on it). A loaded
 * KitConfig satisfies it.
 */
export interface DoctorConfig {
  env?: Readonly<Record<string, unknown>>
  preset?: unknown
  cwd?: string
  security?: SecurityOptions | false
  csp?: SecurityOptions['csp']
  rateLimit?: false | { enabled?: boolean; store?: unknown }
  mail?: MailerOptions
  health?: { paths?: { ready?: string } }
  /** kit.config `metrics`, as the alert checks read it. */
  metrics?: false | MetricsSection
  /** `kit doctor` itself: checks silenced with a reason. */
  doctor?: { silence?: Readonly<Record<string, string>> }
  /** kit.config `server`: the timeouts kit.listen() sets. */
  server?: { headersTimeoutMs?: number; requestTimeoutMs?: number; keepAliveTimeoutMs?: number }
  /** kit.config `migrations` (as `kit release` reads it): folder, history table, reviewed baseline. */
  migrations?: { directory?: string; tableName?: string; baseline?: string }
}

/** config.security with kit.config's top-level `csp` shortcut merged in, as productionize() does. */
export function securityOptions(config: DoctorConfig): SecurityOptions {
  const base = config.security || {}
  if (config.csp === undefined) return base
  if (config.csp === false || base.csp === false) return { ...base, csp: false }
  const objectOf = <T>(value: T | boolean | undefined): T | undefined =>
    typeof value === 'object' ? value : undefined
  return { ...base, csp: { ...objectOf(base.csp), ...objectOf(config.csp) } }
}
