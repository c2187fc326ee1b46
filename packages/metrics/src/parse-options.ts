import type { KitLogger } from '@kit/internal'
import { parseAlerts, warnUnusedNotifiers } from './alerts/parse-alerts.ts'
import type { MetricsConfig } from './config.ts'
import { defaultLabels, isLabelName } from './labels.ts'
import type { MetricsEnv, MetricsOptions } from './options.ts'
import { type ServiceNameSources, serviceName } from './service-name.ts'
import { describe, flag, invalid, path, plainObject, rejectUnknown, text, wholeNumber } from './validators.ts'

const OPTION_NAMES: readonly string[] = [
  'enabled',
  'path',
  'token',
  'trustPrivateNetwork',
  'port',
  'host',
  'prefix',
  'labels',
  'service',
  'durationBuckets',
  'queryBuckets',
  'processMetrics',
  'maxRoutes',
  'routeLabel',
  'registry',
  'alerts',
]
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10]
const QUERY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const MIN_TOKEN_LENGTH = 16

/** Resolves options + env + defaults once into a complete config (code beats env, env beats defaults). */
export function parseOptions(
  options: MetricsOptions,
  env: MetricsEnv,
  log: KitLogger,
  hasRedis: boolean,
  where: ServiceNameSources,
): MetricsConfig {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`createMetrics() options must be an object, got ${describe(options)}.`)
  }
  rejectUnknown(options, OPTION_NAMES, 'createMetrics() option')
  const production = env.NODE_ENV === 'production'
  const token = options.token ?? (env.METRICS_TOKEN || undefined)
  if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
    throw invalid('The metrics token (token / METRICS_TOKEN) must be a non-empty string.')
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    log.warn(
      `@kit/metrics: the metrics token (METRICS_TOKEN) is shorter than ${MIN_TOKEN_LENGTH} characters and can be guessed; generate one with \`kit secret\`.`,
    )
  }
  const port =
    wholeNumber('port', options.port, { min: 0, max: 65_535 }) ??
    wholeNumber('METRICS_PORT', env.METRICS_PORT, { min: 0, max: 65_535, fromEnv: true })
  const appPort = wholeNumber('PORT', env.PORT, { min: 0, max: 65_535, fromEnv: true })
  if (port !== undefined && port !== 0 && port === appPort) {
    throw invalid(
      `The metrics port (${options.port === undefined ? 'METRICS_PORT' : 'port'}) is ${port}, the app's own PORT: the separate metrics server needs a port of its own. Pick another one (9100 is usual), or unset it to serve ${options.path ?? '/metrics'} on the app.`,
    )
  }
  const prefix = text('prefix', options.prefix) ?? ''
  if (prefix && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw invalid(
      `prefix must be a Prometheus name prefix (letters, digits, "_", ":"), got ${describe(prefix)}.`,
    )
  }
  const maxRoutes = wholeNumber('maxRoutes', options.maxRoutes, { min: 1, max: 100_000 }) ?? 500
  if (options.routeLabel !== undefined && typeof options.routeLabel !== 'function') {
    throw invalid(
      `routeLabel must be a function (req) => string | undefined, got ${describe(options.routeLabel)}.`,
    )
  }
  if (
    options.registry !== undefined &&
    (typeof options.registry !== 'object' || typeof options.registry?.registerMetric !== 'function')
  ) {
    throw invalid(`registry must be a prom-client Registry, got ${describe(options.registry)}.`)
  }
  const enabled = flag('enabled', options.enabled, true)
  if (!enabled) warnUnusedNotifiers(env, '`metrics.enabled: false` turns metrics and alerts off', log)
  return {
    enabled,
    path: options.path === undefined ? '/metrics' : path('path', options.path),
    token,
    trustPrivateNetwork: flag('trustPrivateNetwork', options.trustPrivateNetwork, true),
    port,
    host: text('host', options.host) ?? (production ? '0.0.0.0' : '127.0.0.1'),
    prefix,
    labels: labels(options, env, where),
    durationBuckets: buckets('durationBuckets', options.durationBuckets) ?? DURATION_BUCKETS,
    queryBuckets: buckets('queryBuckets', options.queryBuckets) ?? QUERY_BUCKETS,
    processMetrics: flag('processMetrics', options.processMetrics, true),
    maxRoutes,
    routeLabel: options.routeLabel,
    registry: options.registry,
    alerts: parseAlerts(options.alerts, env, hasRedis, log),
    appUrl: env.APP_URL || undefined,
    production,
  }
}

function labels(options: MetricsOptions, env: MetricsEnv, where: ServiceNameSources): Record<string, string> {
  const extra = plainObject('labels', options.labels) ?? {}
  for (const [name, value] of Object.entries(extra)) {
    if (!isLabelName(name)) {
      throw invalid(
        `labels: "${name}" is not a Prometheus label name (letters, digits and "_", not starting with "__").`,
      )
    }
    if (typeof value !== 'string') throw invalid(`labels.${name} must be a string, got ${describe(value)}.`)
  }
  const service = text('service', options.service) ?? serviceName(env, where)
  return { ...defaultLabels(env, service), ...(extra as Record<string, string>) }
}

function buckets(name: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > value[i - 1]),
    )
  if (!ok) throw invalid(`${name} must be increasing positive numbers of seconds, got ${describe(value)}.`)
  return [...(value as number[])]
}
