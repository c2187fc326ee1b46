import { getHeapStatistics } from 'node:v8'
import type { KitLogger } from '@kit/internal'
import {
  type HealthConfig,
  type HealthEnv,
  type HealthOptions,
  LOAD_SHEDDING_NAMES,
  type LoadSheddingConfig,
  type LoadSheddingOptions,
  OPTION_NAMES,
  PATH_NAMES,
} from './options.ts'
import { normalisePath } from './paths.ts'
import { bytes, describe, duration, flag, invalid, path, rejectUnknown, text } from './validators.ts'

const HEROKU_KILL_MS = 30_000
const MIN_TOKEN_LENGTH = 16

/** Resolves options + env + defaults once into a complete config (code beats env, env beats defaults). */
export function parseOptions(options: HealthOptions, env: HealthEnv, log: KitLogger): HealthConfig {
  if (options === null || typeof options !== 'object') {
    throw invalid(`createHealth() options must be an object, got ${describe(options)}.`)
  }
  rejectUnknown(options, OPTION_NAMES, 'createHealth() option')
  const shutdownTimeoutMs =
    duration('shutdownTimeoutMs', options.shutdownTimeoutMs, { min: 1 }) ??
    duration('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS, { min: 1, fromEnv: true }) ??
    25_000
  const readinessDelayMs =
    duration('readinessDelayMs', options.readinessDelayMs) ??
    duration('SHUTDOWN_READINESS_DELAY_MS', env.SHUTDOWN_READINESS_DELAY_MS, { fromEnv: true }) ??
    0
  if (readinessDelayMs >= shutdownTimeoutMs) {
    throw invalid(
      `The readiness delay (${readinessDelayMs} ms, readinessDelayMs / SHUTDOWN_READINESS_DELAY_MS) must be shorter than the shutdown deadline (${shutdownTimeoutMs} ms, shutdownTimeoutMs / SHUTDOWN_TIMEOUT_MS): every shutdown would end with exit 1. Lower the delay or raise the deadline.`,
    )
  }
  if (shutdownTimeoutMs > HEROKU_KILL_MS) {
    log.warn(
      `@kit/health: the shutdown deadline is ${shutdownTimeoutMs} ms; Heroku and Kamal kill the process after ${HEROKU_KILL_MS} ms and Kubernetes after terminationGracePeriodSeconds (30 s by default). Keep SHUTDOWN_TIMEOUT_MS under the platform's limit.`,
    )
  }
  const token = options.token ?? (env.KIT_HEALTH_TOKEN || undefined)
  if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
    throw invalid('The health token (token / KIT_HEALTH_TOKEN) must be a non-empty string.')
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    log.warn(
      `@kit/health: the health token (KIT_HEALTH_TOKEN) is shorter than ${MIN_TOKEN_LENGTH} characters and can be guessed; generate one with \`kit secret\` or \`openssl rand -hex 24\`.`,
    )
  }
  const checks = options.checks
  if (checks !== undefined && (checks === null || typeof checks !== 'object' || Array.isArray(checks))) {
    throw invalid(
      `checks must be an object of { name: fn | { check } }, got ${describe(checks)}; use addCheck() for a single check.`,
    )
  }
  return {
    paths: parsePaths(options.paths),
    checks: options.checks ?? {},
    systemChecks: flag('systemChecks', options.systemChecks, true),
    checkTimeoutMs: duration('checkTimeoutMs', options.checkTimeoutMs, { min: 1 }) ?? 2000,
    minCheckIntervalMs: duration('minCheckIntervalMs', options.minCheckIntervalMs) ?? 1000,
    token,
    trustPrivateNetwork: flag('trustPrivateNetwork', options.trustPrivateNetwork, true),
    loadShedding: parseLoadShedding(options.loadShedding, env.NODE_ENV ?? process.env.NODE_ENV),
    shutdownTimeoutMs,
    readinessDelayMs,
    hookTimeoutMs: duration('hookTimeoutMs', options.hookTimeoutMs, { min: 1 }) ?? 5000,
    signals: parseSignals(options.signals),
    exit: parseExit(options.exit),
    info: {
      version: text('version', options.version),
      releaseId: text('releaseId', options.releaseId),
      serviceId: text('serviceId', options.serviceId),
      description: text('description', options.description),
    },
  }
}

function parsePaths(paths: HealthOptions['paths']): HealthConfig['paths'] {
  if (paths !== undefined && (paths === null || typeof paths !== 'object')) {
    throw invalid(`paths must be an object like { live: '/health/live' }, got ${describe(paths)}.`)
  }
  rejectUnknown(paths ?? {}, PATH_NAMES, 'paths option')
  const resolved = {
    live: path('paths.live', paths?.live ?? '/health/live'),
    ready: path('paths.ready', paths?.ready ?? '/health/ready'),
    summary: path('paths.summary', paths?.summary ?? '/health'),
    up: paths?.up === false ? (false as const) : path('paths.up', paths?.up ?? '/up'),
  }
  const seen = new Map<string, string>()
  for (const [name, value] of Object.entries(resolved)) {
    if (value === false) continue
    const key = normalisePath(value)
    const other = seen.get(key)
    if (other) throw invalid(`paths.${name} and paths.${other} are both "${value}"; give each its own path.`)
    seen.set(key, name)
  }
  return resolved
}

function parseLoadShedding(
  input: HealthOptions['loadShedding'],
  nodeEnv: string | undefined,
): LoadSheddingConfig | false {
  if (input === false) return false
  if (input !== undefined && (input === null || typeof input !== 'object')) {
    throw invalid(`loadShedding must be an object or false, got ${describe(input)}.`)
  }
  const o: LoadSheddingOptions = input ?? {}
  rejectUnknown(o, LOAD_SHEDDING_NAMES, 'loadShedding option')
  const elu = o.maxEventLoopUtilization ?? 0
  if (typeof elu !== 'number' || !(elu >= 0 && elu <= 1)) {
    throw invalid(
      `loadShedding.maxEventLoopUtilization must be a fraction between 0 and 1 (0 turns it off), got ${describe(elu)}.`,
    )
  }
  return {
    maxEventLoopDelayMs: duration('loadShedding.maxEventLoopDelayMs', o.maxEventLoopDelayMs) ?? 1000,
    maxEventLoopUtilization: elu,
    maxHeapUsedBytes:
      bytes('loadShedding.maxHeapUsedBytes', o.maxHeapUsedBytes) ??
      Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    maxRssBytes: bytes('loadShedding.maxRssBytes', o.maxRssBytes) ?? 0,
    sampleIntervalMs: duration('loadShedding.sampleIntervalMs', o.sampleIntervalMs, { min: 10 }) ?? 1000,
    sustainedMs: duration('loadShedding.sustainedMs', o.sustainedMs) ?? 5000,
    warmUpMs: duration('loadShedding.warmUpMs', o.warmUpMs) ?? 10_000,
    retryAfterSeconds: duration('loadShedding.retryAfterSeconds', o.retryAfterSeconds, { min: 1 }) ?? 10,
    // Development and tests only log: a laptop or a busy CI machine is not an overloaded server.
    enforce: flag('loadShedding.enforce', o.enforce, nodeEnv === 'production'),
  }
}

function parseSignals(signals: HealthOptions['signals']): NodeJS.Signals[] {
  if (signals === false) return []
  if (signals === undefined) return ['SIGTERM', 'SIGINT']
  if (!Array.isArray(signals) || signals.some((s) => typeof s !== 'string' || !/^SIG[A-Z0-9]+$/.test(s))) {
    throw invalid(`signals must be a list of signal names like ['SIGTERM', 'SIGINT'], or false.`)
  }
  return [...new Set(signals)]
}

function parseExit(exit: HealthOptions['exit']): HealthConfig['exit'] {
  if (exit === false) return false
  if (exit === undefined) return (code) => process.exit(code)
  if (typeof exit !== 'function') {
    throw invalid(`exit must be a function (code) => void or false, got ${describe(exit)}.`)
  }
  return exit
}
