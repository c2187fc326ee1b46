import { closestName, KitError, type KitLogger } from '@kit/internal'
import { detectRelease } from './release.ts'

/** Opt-in switches for data kit keeps out of Sentry by default. Scrubbing still applies to what is sent. */
export interface SentryCollectOptions {
  /** Send request cookies (sensitive names are still redacted). @default false */
  cookies?: boolean
  /** Send query strings (sensitive parameters are still redacted). @default false */
  queryStrings?: boolean
  /** Send incoming request bodies (sensitive fields are still redacted). @default false */
  requestBodies?: boolean
  /** Send the client's IP address and let integrations fill in user fields. @default false */
  userIp?: boolean
  /** Send the values of local variables in stack frames. @default false */
  localVariables?: boolean
  /**
   * Request headers to send, by name (case-insensitive); `true` sends every
   * header (sensitive ones are still redacted).
   * @default DEFAULT_REQUEST_HEADERS
   */
  requestHeaders?: readonly string[] | true
}

export interface SentryOptions {
  /** Where events go. Unset or empty: Sentry stays off and @sentry/node is never loaded. @default env SENTRY_DSN */
  dsn?: string
  /** @default env SENTRY_ENVIRONMENT, else NODE_ENV, else 'production' */
  environment?: string
  /** @default env SENTRY_RELEASE, else the platform's commit (see RELEASE_ENV_NAMES) */
  release?: string
  /** Share of requests traced, 0 to 1. @default env SENTRY_TRACES_SAMPLE_RATE, else 0 (tracing off) */
  tracesSampleRate?: number
  /** Data kit keeps out of events unless switched on here. @default everything off */
  collect?: SentryCollectOptions
  /** Extra keys to redact wherever they appear, on top of the shared redaction list. @default [] */
  redactKeys?: readonly string[]
  /** How long the shutdown hook waits for queued events to be sent. @default 2000 */
  closeTimeoutMs?: number
  /** Print the SDK's own debug output. @default env SENTRY_DEBUG */
  debug?: boolean
}

/**
 * The env names @kit/sentry reads (SENTRY_DSN, SENTRY_ENVIRONMENT,
 * SENTRY_TRACES_SAMPLE_RATE, SENTRY_RELEASE, SENTRY_DEBUG, NODE_ENV and the
 * platform commit names). `process.env` and @kit/env's parsed env both fit.
 */
export type SentryEnv = { readonly [name: string]: string | number | boolean | undefined }

export interface SentryContext {
  /** @default process.env */
  env?: SentryEnv
  log?: KitLogger
}

/** Headers sent by default: enough to tell clients and routes apart, nothing that identifies a person. */
export const DEFAULT_REQUEST_HEADERS: readonly string[] = Object.freeze([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-length',
  'content-type',
  'host',
  'user-agent',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-request-id',
])

export interface SentryConfig {
  dsn: string | undefined
  environment: string
  release: string | undefined
  releaseSource: string | undefined
  tracesSampleRate: number
  collect: Required<SentryCollectOptions>
  redactKeys: readonly string[]
  closeTimeoutMs: number
  debug: boolean
}

const OPTION_NAMES = [
  'dsn',
  'environment',
  'release',
  'tracesSampleRate',
  'collect',
  'redactKeys',
  'closeTimeoutMs',
  'debug',
]
const COLLECT_NAMES = [
  'cookies',
  'queryStrings',
  'requestBodies',
  'userIp',
  'localVariables',
  'requestHeaders',
]

/** Resolves options + env + defaults once into a complete config (options beat env, env beats defaults). */
export function parseSentryOptions(options: SentryOptions = {}, env: SentryEnv = process.env): SentryConfig {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    invalid(`initSentry() expects an options object, got ${typeof options}.`)
  }
  checkNames(options, OPTION_NAMES, '')
  const collect = options.collect ?? {}
  if (collect === null || typeof collect !== 'object' || Array.isArray(collect)) {
    invalid(
      `\`collect\` must be an object of switches (for example { cookies: true }), got ${JSON.stringify(collect)}.`,
    )
  }
  checkNames(collect, COLLECT_NAMES, 'collect.')

  const dsn = nonEmpty(options.dsn, 'dsn') ?? nonEmpty(env.SENTRY_DSN, 'SENTRY_DSN')
  if (dsn !== undefined) checkDsn(dsn, options.dsn !== undefined ? 'dsn' : 'SENTRY_DSN')

  const detected = options.release === undefined ? detectRelease(env) : undefined
  const release = nonEmpty(options.release, 'release') ?? detected?.release

  return {
    dsn,
    environment:
      nonEmpty(options.environment, 'environment') ??
      nonEmpty(env.SENTRY_ENVIRONMENT, 'SENTRY_ENVIRONMENT') ??
      nonEmpty(env.NODE_ENV, 'NODE_ENV') ??
      'production',
    release,
    releaseSource: options.release !== undefined ? 'release option' : detected?.source,
    tracesSampleRate: sampleRate(options.tracesSampleRate, env.SENTRY_TRACES_SAMPLE_RATE),
    collect: {
      cookies: flag(collect.cookies, 'collect.cookies'),
      queryStrings: flag(collect.queryStrings, 'collect.queryStrings'),
      requestBodies: flag(collect.requestBodies, 'collect.requestBodies'),
      userIp: flag(collect.userIp, 'collect.userIp'),
      localVariables: flag(collect.localVariables, 'collect.localVariables'),
      requestHeaders: headerList(collect.requestHeaders),
    },
    redactKeys: stringList(options.redactKeys, 'redactKeys'),
    closeTimeoutMs: positiveInteger(options.closeTimeoutMs, 'closeTimeoutMs', 2000),
    debug: options.debug ?? isTrue(env.SENTRY_DEBUG),
  }
}

function invalid(message: string): never {
  throw new KitError('KIT_SENTRY_INVALID_OPTION', message)
}

function checkNames(object: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue
    // The shared did-you-mean, comparing names without case, '-' or '_' (traces_sample_rate → tracesSampleRate).
    const close = closestName(key, known, { normalise: (name) => name.toLowerCase().replace(/[-_]/g, '') })
    const hint = close ? ` Did you mean \`${prefix}${close}\`?` : ` Known options: ${known.join(', ')}.`
    invalid(`Unknown @kit/sentry option \`${prefix}${key}\`.${hint}`)
  }
}

function nonEmpty(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') invalid(`\`${name}\` must be a string, got ${typeof value}.`)
  return value.trim() === '' ? undefined : value.trim()
}

// The value is never echoed: a DSN carries the project's key.
function checkDsn(dsn: string, name: string): void {
  let url: URL | undefined
  try {
    url = new URL(dsn)
  } catch {}
  const ok =
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username !== '' &&
    /\/\d+\/?$/.test(url.pathname)
  if (!ok) {
    throw new KitError(
      'KIT_SENTRY_INVALID_DSN',
      `${name} is not a Sentry DSN (expected https://<key>@<host>/<project id>; the value is not shown because it holds the project key). Copy it from Sentry: Project Settings → Client Keys (DSN).`,
    )
  }
}

function sampleRate(option: number | undefined, fromEnv: unknown): number {
  const [raw, name] =
    option !== undefined ? [option, 'tracesSampleRate'] : [fromEnv, 'SENTRY_TRACES_SAMPLE_RATE']
  if (raw === undefined || raw === '') return 0
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new KitError(
      'KIT_SENTRY_INVALID_SAMPLE_RATE',
      `${name} must be a number from 0 to 1 (for example 0.1), got ${JSON.stringify(raw)}. 0 turns tracing off.`,
    )
  }
  return value
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') invalid(`\`${name}\` must be true or false, got ${JSON.stringify(value)}.`)
  return value
}

function headerList(value: unknown): readonly string[] | true {
  if (value === undefined) return DEFAULT_REQUEST_HEADERS
  if (value === true) return true
  return stringList(value, 'collect.requestHeaders', 'a list of header names or true').map((h) =>
    h.toLowerCase(),
  )
}

function stringList(value: unknown, name: string, expected = 'a list of strings'): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    invalid(`\`${name}\` must be ${expected}, got ${JSON.stringify(value)}.`)
  }
  return value as string[]
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    invalid(`\`${name}\` must be a positive whole number of milliseconds, got ${JSON.stringify(value)}.`)
  }
  return value
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(1|true|yes|on)$/i.test(value.trim()))
}
