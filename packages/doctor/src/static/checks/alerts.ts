import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { MetricsSection } from '../config.ts'
import type { DoctorContext } from '../context.ts'
import { DEVELOPMENT_TRANSPORTS, providers } from './mail.ts'

type StaticCheck = CheckDefinition<DoctorContext>

function metricsSection(ctx: DoctorContext): MetricsSection | false | undefined {
  return ctx.config.metrics
}

/** A kit.config section, or undefined when it is absent or `false`. */
function unlessOff<T>(value: T | false | undefined): T | undefined {
  return value === false ? undefined : value
}

/** The notifiers the environment or kit.config asks for (docs/metrics-and-alerts.md, "What turns alerting on"). */
function requestedNotifiers(ctx: DoctorContext): { slack: boolean; mail: boolean } {
  const notify = unlessOff(unlessOff(metricsSection(ctx))?.alerts)?.notify
  return {
    slack: Boolean(ctx.env.SLACK_WEBHOOK_URL) || Boolean(unlessOff(notify?.slack)?.webhookUrl),
    mail: ctx.env.ALERT_EMAIL_TO.length > 0 || Boolean(unlessOff(notify?.mail)?.to),
  }
}

/** Why configuration silences a requested notifier, or undefined. */
function whyOff(ctx: DoctorContext, notifier: 'slack' | 'mail'): string | undefined {
  const section = metricsSection(ctx)
  if (section === false) return 'kit.config has `metrics: false`'
  if (section?.enabled === false) return 'kit.config has `metrics.enabled: false`'
  if (section?.alerts === false) return 'kit.config has `metrics.alerts: false`'
  if (section?.alerts?.notify?.[notifier] === false)
    return `kit.config has \`metrics.alerts.notify.${notifier}: false\``
  return undefined
}

export const ALERT_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-ALERT-001',
    title: 'Alerts reach a person',
    severity: 'medium',
    fix: 'Set SLACK_WEBHOOK_URL (a Slack incoming webhook) or ALERT_EMAIL_TO (with MAIL_PROVIDER): either turns metrics and the launch alert rules on. Without one, an outage is noticed by your users first.',
    run(ctx) {
      if (!ctx.production) return pass('not production')
      const { slack, mail } = requestedNotifiers(ctx)
      const working = [slack && !whyOff(ctx, 'slack') && 'Slack', mail && !whyOff(ctx, 'mail') && 'mail']
      const on = working.filter(Boolean)
      if (on.length) return pass(`alert notices go to ${on.join(' and ')}`)
      return fail(
        slack || mail
          ? 'the alert notifiers that are set are turned off (see KIT-ALERT-002)'
          : 'neither SLACK_WEBHOOK_URL nor ALERT_EMAIL_TO is set: no alert reaches anyone',
      )
    },
  },
  {
    id: 'KIT-ALERT-002',
    title: 'No alert notifier is silenced by kit.config',
    severity: 'high',
    fix: 'Remove the setting the finding names (`metrics: false`, `enabled: false`, `alerts: false`, `notify.slack: false`, `notify.mail: false`) or unset the variable: as it is, alerts look configured but none is sent.',
    run(ctx) {
      const { slack, mail } = requestedNotifiers(ctx)
      if (!slack && !mail) return skip('no SLACK_WEBHOOK_URL or ALERT_EMAIL_TO')
      const problems = [
        slack && whyOff(ctx, 'slack') && `SLACK_WEBHOOK_URL is set but ${whyOff(ctx, 'slack')}`,
        mail && whyOff(ctx, 'mail') && `ALERT_EMAIL_TO is set but ${whyOff(ctx, 'mail')}`,
      ].filter(Boolean)
      return problems.length
        ? fail(`${problems.join('; ')}: no alert is sent`)
        : pass([slack && 'Slack', mail && 'mail'].filter(Boolean).join(' and ') + ' on')
    },
  },
  {
    id: 'KIT-ALERT-003',
    title: 'Alert mail has a provider that delivers',
    severity: 'high',
    fix: 'Set MAIL_PROVIDER to sendgrid, resend or smtp (with its key and MAIL_FROM): alert mail goes through kit.mailer, and without a delivering provider it is dropped or written to .kit/mail.',
    run(ctx) {
      if (!requestedNotifiers(ctx).mail) return skip('no ALERT_EMAIL_TO')
      const chain = providers(ctx)
      if (chain.length === 0)
        return fail('ALERT_EMAIL_TO is set but no MAIL_PROVIDER: alert mail is not sent')
      const delivering = chain.filter((p) => !DEVELOPMENT_TRANSPORTS.includes(p))
      if (ctx.production && delivering.length === 0)
        return fail(
          `ALERT_EMAIL_TO is set but MAIL_PROVIDER is ${chain.join(', ')}: alert mail is never delivered`,
        )
      return pass(`alert mail through ${chain.join(', ')}`)
    },
  },
  {
    id: 'KIT-ALERT-004',
    title: 'METRICS_PORT is reachable where it is set',
    severity: 'low',
    fix: 'Unset METRICS_PORT on Heroku (the router reaches only PORT) and scrape /metrics on the app with METRICS_TOKEN; keep METRICS_PORT for Kubernetes, Fly.io or a VM, where the scraper reaches the instance directly.',
    run(ctx) {
      const port = ctx.env.METRICS_PORT
      if (port === undefined) return skip('METRICS_PORT unset: the app serves /metrics')
      if (ctx.platform === 'heroku')
        return fail(`METRICS_PORT=${port} on Heroku: only PORT is routed, so nothing can scrape the metrics`)
      return pass(`metrics on port ${port}`)
    },
  },
]
