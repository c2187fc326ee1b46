import { addKnownSecret, KitError, type KitLogger } from '@kit/internal'
import type { AlertsConfig, NotifyConfig } from '../config.ts'
import type { AlertsOptions, MetricsEnv } from '../options.ts'
import { describe, invalid, plainObject, rejectUnknown, text, wholeNumber } from '../validators.ts'
import { parseRules } from './parse-rules.ts'

const ALERT_OPTIONS = ['preset', 'rules', 'intervalMs', 'notify', 'lock']
const NOTIFY_OPTIONS = ['slack', 'mail', 'log', 'timeoutMs', 'retries', 'retryDelayMs']
const LOCK_OPTIONS = ['prefix', 'timeoutMs']

export function parseAlerts(
  options: AlertsOptions | false | undefined,
  env: MetricsEnv,
  hasRedis: boolean,
  log: KitLogger,
): AlertsConfig | false {
  if (options === false) {
    warnUnusedNotifiers(env, '`alerts: false` turns alerting off', log)
    return false
  }
  const alerts = plainObject('alerts', options) ?? {}
  rejectUnknown(alerts, ALERT_OPTIONS, 'alerts option')
  const intervalMs =
    wholeNumber('alerts.intervalMs', alerts.intervalMs, { min: 10, max: 3_600_000 }) ?? 10_000
  return {
    rules: parseRules(alerts.preset, alerts.rules),
    intervalMs,
    notify: parseNotify(alerts.notify, env, log),
    lock: parseLock(alerts.lock, hasRedis, log),
  }
}

/**
 * A user who sets SLACK_WEBHOOK_URL or ALERT_EMAIL_TO expects alerts: when
 * the configuration turns them off anyway, say so once at start-up rather
 * than stay silent through the first incident.
 */
export function warnUnusedNotifiers(env: MetricsEnv, why: string, log: KitLogger): void {
  const set = notifierVariables(env)
  if (set.length === 0) return
  log.warn(
    `@kit/metrics: ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set, but ${why}: no alert notice will be sent. Remove that setting to get alerts, or unset ${set.join(' and ')}.`,
  )
}

/** The notifier variables that are set (their values are never shown). */
export function notifierVariables(env: MetricsEnv): string[] {
  const set: string[] = []
  if (env.SLACK_WEBHOOK_URL) set.push('SLACK_WEBHOOK_URL')
  if (env.ALERT_EMAIL_TO !== undefined && env.ALERT_EMAIL_TO.length > 0) set.push('ALERT_EMAIL_TO')
  return set
}

function parseNotify(value: unknown, env: MetricsEnv, log: KitLogger): NotifyConfig {
  const notify = plainObject('alerts.notify', value) ?? {}
  rejectUnknown(notify, NOTIFY_OPTIONS, 'alerts.notify option')
  const slack = notify.slack === false ? false : (plainObject('alerts.notify.slack', notify.slack) ?? {})
  if (slack) rejectUnknown(slack, ['webhookUrl'], 'alerts.notify.slack option')
  const mail = notify.mail === false ? false : (plainObject('alerts.notify.mail', notify.mail) ?? {})
  if (mail) rejectUnknown(mail, ['to', 'subjectPrefix'], 'alerts.notify.mail option')
  if (notify.slack === false && env.SLACK_WEBHOOK_URL) {
    warnUnusedNotifiers(
      { SLACK_WEBHOOK_URL: env.SLACK_WEBHOOK_URL },
      '`alerts.notify.slack: false` turns Slack off',
      log,
    )
  }
  if (notify.mail === false && env.ALERT_EMAIL_TO?.length) {
    warnUnusedNotifiers(
      { ALERT_EMAIL_TO: env.ALERT_EMAIL_TO },
      '`alerts.notify.mail: false` turns mail off',
      log,
    )
  }
  if (notify.log !== undefined && typeof notify.log !== 'boolean') {
    throw invalid(`alerts.notify.log must be true or false, got ${describe(notify.log)}.`)
  }
  return {
    slackUrl: slack ? webhookUrl(slack.webhookUrl, env.SLACK_WEBHOOK_URL) : undefined,
    mailTo: mail ? recipients(mail.to, env.ALERT_EMAIL_TO) : [],
    subjectPrefix: (mail && text('alerts.notify.mail.subjectPrefix', mail.subjectPrefix)) || '[alert]',
    log: (notify.log as boolean | undefined) ?? true,
    timeoutMs: wholeNumber('alerts.notify.timeoutMs', notify.timeoutMs, { min: 1, max: 120_000 }) ?? 5000,
    retries: wholeNumber('alerts.notify.retries', notify.retries, { min: 0, max: 10 }) ?? 3,
    retryDelayMs:
      wholeNumber('alerts.notify.retryDelayMs', notify.retryDelayMs, { min: 0, max: 600_000 }) ?? 1000,
  }
}

function parseLock(value: unknown, hasRedis: boolean, log: KitLogger): AlertsConfig['lock'] {
  if (value === false) return false
  if (!hasRedis) {
    if (value !== undefined) {
      log.warn(
        '@kit/metrics: alerts.lock is set but no Redis client was given, so every instance announces its own alerts. Set REDIS_URL (productionize passes kit.redis) or pass `redis` in the context.',
      )
    }
    return false
  }
  const lock = plainObject('alerts.lock', value) ?? {}
  rejectUnknown(lock, LOCK_OPTIONS, 'alerts.lock option')
  return {
    prefix: text('alerts.lock.prefix', lock.prefix) ?? 'kit:metrics:alert:',
    timeoutMs: wholeNumber('alerts.lock.timeoutMs', lock.timeoutMs, { min: 1, max: 60_000 }) ?? 1000,
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The webhook URL is a secret (anyone holding it can post): messages name only its scheme and host. */
function webhookUrl(option: unknown, fromEnv: string | undefined): string | undefined {
  const value = option ?? (fromEnv || undefined)
  if (value === undefined) return undefined
  const setting = option === undefined ? 'SLACK_WEBHOOK_URL' : 'alerts.notify.slack.webhookUrl'
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new KitError(
      'KIT_METRICS_INVALID_WEBHOOK',
      `${setting} is not a URL (${typeof value === 'string' ? `${value.length} characters` : describe(value)}). Paste the incoming-webhook URL Slack gave you (https://hooks.slack.com/services/...).`,
    )
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
  if (!secure) {
    throw new KitError(
      'KIT_METRICS_INVALID_WEBHOOK',
      `${setting} must be an https URL, got ${url.protocol}//${url.host}/…: the webhook would travel in clear text. Use the https URL Slack gave you.`,
    )
  }
  addKnownSecret(url.href)
  return url.href
}

function recipients(option: unknown, fromEnv: string | string[] | undefined): string[] {
  const value = option ?? fromEnv
  if (value === undefined || value === '') return []
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined
  if (!list || list.some((to) => typeof to !== 'string')) {
    throw invalid(`alerts.notify.mail.to must be an address or a list of addresses, got ${describe(value)}.`)
  }
  const addresses = list.map((to) => to.trim()).filter(Boolean)
  for (const address of addresses) {
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address) && !/<[^\s@<>]+@[^\s@<>]+>$/.test(address)) {
      throw invalid(
        `${option === undefined ? 'ALERT_EMAIL_TO' : 'alerts.notify.mail.to'} has ${describe(address)}, which is not an email address.`,
      )
    }
  }
  return addresses
}
