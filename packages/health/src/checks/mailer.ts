import { type HealthCheck, KitError } from '@kit/internal'

/** Anything with a verify(): a nodemailer transport, a @kit/mailer instance. */
export interface MailerLike {
  verify(): Promise<unknown> | unknown
}

export interface MailerCheckOptions {
  /** @default 'mailer' */
  name?: string
  /** Mail being down rarely means the app should leave the load balancer. @default false */
  critical?: boolean
  /** SMTP handshakes are slow. @default 5000 */
  timeoutMs?: number
  /** Probes come every few seconds; a provider should not see a login each time. @default 60000 */
  cacheForMs?: number
}

/** The mailer's verify() (an SMTP handshake, or the provider's API key check), cached. */
export function mailerCheck(mailer: MailerLike, options: MailerCheckOptions = {}): HealthCheck {
  if (!mailer || typeof mailer.verify !== 'function') {
    throw new KitError(
      'KIT_HEALTH_INVALID_CHECK',
      'mailerCheck(mailer) needs an object with verify(), e.g. a nodemailer transport.',
    )
  }
  return {
    name: options.name ?? 'mailer',
    critical: options.critical ?? false,
    timeoutMs: options.timeoutMs ?? 5000,
    cacheForMs: options.cacheForMs ?? 60_000,
    async check() {
      const ok = await mailer.verify()
      if (ok === false) return { status: 'fail', output: 'verify() returned false' }
    },
  }
}
