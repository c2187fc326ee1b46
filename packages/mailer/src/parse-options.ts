import { createDebug, KitError, type KitLogger, silentLogger } from '@kit/internal'
import { parseAddress } from './addresses.ts'
import type { DeliveryPolicy } from './deliver.ts'
import type { MessagePolicy } from './message.ts'
import {
  MAILER_OPTION_NAMES,
  type MailerContext,
  type MailerEnv,
  type MailerOptions,
  PROVIDER_NAMES,
  type ProviderName,
} from './options.ts'
import { didYouMean } from './suggest.ts'
import { createFileTransport } from './transports/file.ts'
import { createLogTransport } from './transports/log.ts'
import { createMemoryTransport } from './transports/memory.ts'
import { createResendTransport } from './transports/resend.ts'
import { createSendGridTransport } from './transports/sendgrid.ts'
import { createSmtpTransport } from './transports/smtp.ts'
import type { MailTransport } from './types.ts'

const debug = createDebug('mailer')

export interface MailerConfig {
  chain: MailTransport[]
  delivery: DeliveryPolicy
  message: MessagePolicy
  log: KitLogger
}

/** Resolves options, env and defaults (in that order of precedence) once, at creation. */
/** Transports whose mail stays on this machine. */
const LOCAL_TRANSPORTS = new Set(['file', 'memory', 'log'])
/** The sender of local mail when MAIL_FROM is unset (.invalid is reserved: it can never be a real domain). */
export const LOCAL_FROM = 'kit <no-reply@kit.invalid>'

export function parseMailerOptions(options: MailerOptions = {}, context: MailerContext = {}): MailerConfig {
  if (options === null || typeof options !== 'object') throw invalid('options', 'must be an object')
  for (const key of Object.keys(options)) {
    if (!MAILER_OPTION_NAMES.includes(key)) {
      throw invalid(key, `is not a mailer option${didYouMean(key, MAILER_OPTION_NAMES)}`)
    }
  }
  const env: MailerEnv = context.env ?? process.env
  const log = context.log ?? silentLogger
  const nodeEnv = env.NODE_ENV ?? 'development'
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, 10_000)
  const names = resolveProviderNames(options, env, nodeEnv, log)

  const chain = names.map((entry): MailTransport => {
    if (typeof entry !== 'string') return checkTransport(entry)
    switch (entry) {
      case 'sendgrid': {
        const settings = { apiKey: env.SENDGRID_API_KEY, timeoutMs, ...defined(options.sendgrid) }
        warnOnKeyFormat(log, 'SENDGRID_API_KEY', settings.apiKey, 'SG.')
        return createSendGridTransport(settings)
      }
      case 'resend': {
        const settings = { apiKey: env.RESEND_API_KEY, timeoutMs, ...defined(options.resend) }
        warnOnKeyFormat(log, 'RESEND_API_KEY', settings.apiKey, 're_')
        return createResendTransport(settings)
      }
      case 'smtp':
        return createSmtpTransport(
          { url: env.SMTP_URL, ...defined(options.smtp) },
          { env: { NODE_ENV: nodeEnv }, log },
        )
      case 'file':
        return createFileTransport({ ...defined(options.file), cwd: context.cwd ?? process.cwd(), log })
      case 'log':
        if (nodeEnv === 'production')
          log.warn('mailer: MAIL_PROVIDER=log writes mail to the log; nothing is delivered')
        return createLogTransport({ log })
      case 'memory':
        return createMemoryTransport()
      default:
        throw new KitError('KIT_MAILER_UNKNOWN_PROVIDER', `Unknown provider "${String(entry)}".`)
    }
  })
  const seen = new Set<string>()
  for (const transport of chain) {
    if (seen.has(transport.name)) throw invalid('providers', `lists "${transport.name}" twice`)
    seen.add(transport.name)
  }

  const fromInput = options.from ?? env.MAIL_FROM
  let from: MessagePolicy['from']
  if (fromInput !== undefined && fromInput !== '') {
    try {
      from = parseAddress(fromInput, 'from')
    } catch {
      throw new KitError(
        'KIT_MAILER_INVALID_FROM',
        `MAIL_FROM (or the \`from\` option) must be "hello@acme.com" or "Acme <hello@acme.com>"; got "${String(fromInput).slice(0, 100)}".`,
      )
    }
  } else if (chain.every((transport) => LOCAL_TRANSPORTS.has(transport.name))) {
    // Mail that never leaves the machine (.eml files, memory) needs no real sender: development works unconfigured.
    from = parseAddress(LOCAL_FROM, 'from')
  } else if (nodeEnv === 'production') {
    log.warn('mailer: MAIL_FROM is not set, so every send() must pass `from`')
  }

  const retryDelayMs = positiveInt('retryDelayMs', options.retryDelayMs, 250)
  const config: MailerConfig = {
    chain,
    log,
    delivery: {
      retries: nonNegativeInt('retries', options.retries, 2),
      retryDelayMs,
      maxRetryDelayMs: positiveInt('maxRetryDelayMs', options.maxRetryDelayMs, 5000),
      allowDuplicates: bool('allowDuplicates', options.allowDuplicates, false),
    },
    message: {
      from,
      maxRecipients: positiveInt('maxRecipients', options.maxRecipients, 50),
      disableFileAccess: bool('disableFileAccess', options.disableFileAccess, true),
      disableUrlAccess: bool('disableUrlAccess', options.disableUrlAccess, true),
      timeoutMs,
    },
  }
  debug(
    'resolved providers=%s from=%s delivery=%o',
    chain.map((t) => t.name).join(','),
    from?.email,
    config.delivery,
  )
  return config
}

function resolveProviderNames(
  options: MailerOptions,
  env: MailerEnv,
  nodeEnv: string,
  log: KitLogger,
): (ProviderName | MailTransport)[] {
  let entries: readonly (string | MailTransport)[]
  if (options.providers !== undefined) {
    entries = typeof options.providers === 'string' ? [options.providers] : options.providers
    if (!Array.isArray(entries)) throw invalid('providers', 'must be a provider name or an array of them')
  } else if (env.MAIL_PROVIDER !== undefined && String(env.MAIL_PROVIDER).trim() !== '') {
    const raw = env.MAIL_PROVIDER
    entries = (typeof raw === 'string' ? raw.split(',') : raw)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)
  } else if (nodeEnv === 'test') {
    entries = ['memory']
  } else if (nodeEnv === 'development') {
    entries = ['file']
  } else {
    // Production without MAIL_PROVIDER: every provider whose credentials are set, in a sensible order.
    const inferred: ProviderName[] = []
    if (env.SENDGRID_API_KEY) inferred.push('sendgrid')
    if (env.RESEND_API_KEY) inferred.push('resend')
    if (env.SMTP_URL) inferred.push('smtp')
    if (inferred.length === 0) {
      log.warn(
        'mailer: no MAIL_PROVIDER and no SENDGRID_API_KEY, RESEND_API_KEY or SMTP_URL: mail is written to .kit/mail, not delivered',
      )
      inferred.push('file')
    }
    entries = inferred
  }
  if (entries.length === 0) throw invalid('providers', 'needs at least one provider')
  return entries.map((entry) => {
    if (typeof entry !== 'string') return entry
    if (!(PROVIDER_NAMES as readonly string[]).includes(entry)) {
      throw new KitError(
        'KIT_MAILER_UNKNOWN_PROVIDER',
        `MAIL_PROVIDER names an unknown provider "${entry}"${didYouMean(entry, PROVIDER_NAMES)}. Use a comma-separated chain of ${PROVIDER_NAMES.join(', ')}.`,
      )
    }
    return entry as ProviderName
  })
}

function checkTransport(transport: MailTransport): MailTransport {
  if (
    !transport ||
    typeof transport !== 'object' ||
    typeof transport.name !== 'string' ||
    typeof transport.send !== 'function'
  ) {
    throw invalid(
      'providers',
      'each custom transport must be an object with a `name` and a `send(message)` method',
    )
  }
  return transport
}

/** A copy without undefined values, so `{ apiKey: undefined }` does not hide the env default. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object') throw invalid('provider settings', 'must be objects')
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

// A key in another provider's format is usually a copy-paste mix-up; it still might be valid, so only warn.
function warnOnKeyFormat(log: KitLogger, name: string, key: unknown, prefix: string): void {
  if (typeof key === 'string' && key !== '' && !key.startsWith(prefix)) {
    log.warn(
      `mailer: ${name} does not start with "${prefix}" as keys from that provider do; check it is the right key`,
    )
  }
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(name, `must be a positive whole number, got ${JSON.stringify(value)}`)
  }
  return value
}

function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
    throw invalid(name, `must be a whole number from 0 to 10, got ${JSON.stringify(value)}`)
  }
  return value
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalid(name, `must be true or false, got ${JSON.stringify(value)}`)
  return value
}

function invalid(name: string, detail: string): KitError {
  return new KitError('KIT_MAILER_INVALID_OPTION', `Mailer option \`${name}\` ${detail}.`)
}
