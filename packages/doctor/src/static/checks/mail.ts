import { createMailer } from '@kit/mailer'
import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext } from '../context.ts'

type StaticCheck = CheckDefinition<DoctorContext>

/** Transports that keep mail on the machine: nothing is delivered. */
export const DEVELOPMENT_TRANSPORTS: readonly string[] = ['file', 'log', 'memory']

/** The mail providers the app will use: kit.config `mail.providers`, else MAIL_PROVIDER. */
export function providers(ctx: DoctorContext): string[] {
  const configured = ctx.config.mail?.providers
  if (Array.isArray(configured))
    return configured.map((p) =>
      typeof p === 'string' ? p : String((p as { name?: unknown }).name ?? 'custom'),
    )
  return [...ctx.env.MAIL_PROVIDER]
}

export const MAIL_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-MAIL-001',
    title: 'A mail provider is configured',
    severity: 'medium',
    fix: 'Set MAIL_PROVIDER (sendgrid, resend or smtp; several for failover) with its key and MAIL_FROM; if the app sends no mail, silence this check.',
    run(ctx) {
      const list = providers(ctx)
      if (list.length) return pass(`MAIL_PROVIDER ${list.join(', ')}`)
      return ctx.production
        ? fail('no mail provider: kit.mailer is absent and nothing can be sent')
        : pass('development: mail goes to .kit/mail')
    },
  },
  {
    id: 'KIT-MAIL-002',
    title: 'No development mail transport in production',
    severity: 'high',
    fix: 'Replace file/log/memory in MAIL_PROVIDER with a real provider (sendgrid, resend, smtp): those transports never deliver.',
    run(ctx) {
      const dev = providers(ctx).filter((p) => DEVELOPMENT_TRANSPORTS.includes(p))
      if (!ctx.production) return pass('not production')
      return dev.length
        ? fail(`MAIL_PROVIDER includes ${dev.join(', ')}: mail is written locally, never delivered`)
        : pass('only delivering providers')
    },
  },
  {
    id: 'KIT-MAIL-003',
    title: 'Mail provider credentials work',
    severity: 'high',
    online: true,
    fix: 'Fix the credentials the finding names (SENDGRID_API_KEY needs the Mail Send permission; RESEND_API_KEY a sending key; SMTP_URL user and password) and verify the sender domain.',
    async run(ctx) {
      if (providers(ctx).length === 0) return skip('no mail provider')
      const mailer = createMailer(ctx.config.mail ?? {}, { env: ctx.env, cwd: ctx.appRoot })
      try {
        const report = await mailer
          .verify()
          .catch(
            (
              error: Error & { details?: { providers?: { name: string; ok: boolean; detail: string }[] } },
            ) => ({
              ok: false,
              providers: error.details?.providers ?? [{ name: 'mailer', ok: false, detail: error.message }],
            }),
          )
        const failed = report.providers.filter((p) => !p.ok)
        return failed.length
          ? fail(failed.map((p) => `${p.name}: ${p.detail}`).join('; '))
          : pass(report.providers.map((p) => `${p.name}: ${p.detail}`).join('; '))
      } finally {
        await mailer.close()
      }
    },
  },
]
