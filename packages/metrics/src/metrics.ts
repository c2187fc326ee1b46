import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import { createDebug, type KitLogger, type ShutdownHook, silentLogger } from '@kit/internal'
import type { Registry } from 'prom-client'
import { AlertEngine, type AlertSources, type AlertStatus } from './alerts/engine.ts'
import { AlertLock } from './alerts/lock.ts'
import { ProcessSampler } from './alerts/process-sampler.ts'
import { SlidingWindow } from './alerts/window.ts'
import type { AlertsConfig, MetricsConfig } from './config.ts'
import { MetricsEndpoint } from './http/endpoint.ts'
import { MetricsServer } from './http/metrics-server.ts'
import { RequestMetrics } from './http/request-metrics.ts'
import { RequestTracker } from './http/tracker.ts'
import { createInstruments } from './instruments.ts'
import { INTERNALS, type MetricsInternals } from './internals.ts'
import { instanceName } from './labels.ts'
import { Dispatcher } from './notifiers/dispatcher.ts'
import { logNotifier } from './notifiers/log.ts'
import { mailNotifier } from './notifiers/mail.ts'
import type { Notifier } from './notifiers/notifier.ts'
import { slackNotifier } from './notifiers/slack.ts'
import { type KnexLike, observeKnex } from './observe/knex.ts'
import { observeMailer } from './observe/mailer.ts'
import { observeRedis, type RedisLike } from './observe/redis.ts'
import type { AlertRuleKind, LockClient, MetricsContext, MetricsOptions } from './options.ts'
import { parseOptions } from './parse-options.ts'

const debug = createDebug('metrics')
const CLOSE_WAIT_MS = 2000

export interface AlertingSummary {
  rules: string[]
  notifiers: string[]
  /** The `service` label: the app's name in notices. */
  service: string
}

export interface Metrics {
  /** False when created with `enabled: false`: adapters pass requests through. */
  readonly enabled: boolean
  /** The prom-client registry: add your own metrics to it and they are served too. */
  readonly registry: Registry
  /** Where the endpoint answers. */
  readonly path: string
  /**
   * What alerting does, for a start-up line: the rules and the notifiers
   * (`log`, `slack`, `mail`); undefined when alerting is off or metrics are
   * disabled.
   */
  readonly alerting: AlertingSummary | undefined
  /** The port of the separate metrics server, once start() has bound it (METRICS_PORT). */
  readonly port: number | undefined
  /**
   * A `SkipRequest` for the logger and rate limits: true for scrapes of the
   * endpoint the app answers (never with METRICS_PORT, which has its own server).
   */
  readonly isMetricsPath: (req: IncomingMessage) => boolean
  /** Query durations and pool usage of a knex instance. */
  observeKnex(knex: KnexLike): void
  /** Command and connection errors of an ioredis client. */
  observeRedis(redis: RedisLike): void
  /** Sends by provider and result; wraps `send()` in place and returns the same mailer. */
  observeMailer<T extends { send(...args: any[]): Promise<unknown> }>(mailer: T): T
  recordMail(provider: string, result: 'sent' | 'failed'): void
  recordRateLimited(tier: string): void
  recordFlagEvaluation(flag: string, variant: string | boolean): void
  /** A query of a client kit does not observe, into the same histogram and dbLatency rule. */
  recordQuery(durationMs: number, ok?: boolean): void
  /** The Prometheus text, as the endpoint serves it. */
  metrics(): Promise<string>
  /** Each rule as it stands on this instance. */
  alertStatus(): AlertStatus[]
  /** Evaluates the alert rules now (the timer does it every alerts.intervalMs). */
  evaluateAlerts(): void
  /** Starts alert evaluation, the process sampler and the METRICS_PORT server. Idempotent. */
  start(): Promise<void>
  /** Stops timers and the server, waits (at most 2 s) for notices in flight. Idempotent. */
  close(): Promise<void>
  /** close() as a hook for the shutdown sequence. */
  shutdownHook(options?: { timeoutMs?: number }): ShutdownHook
  readonly [INTERNALS]: MetricsInternals
}

/**
 * Request metrics per route template, process, database, Redis, mail and
 * rate-limit metrics in one prom-client registry; the Prometheus endpoint;
 * alert rules evaluated in-process that notify Slack, mail and the log.
 */
export function createMetrics(options: MetricsOptions = {}, context: MetricsContext = {}): Metrics {
  const log = context.log ?? silentLogger
  const env = context.env ?? process.env
  const config = parseOptions(options, env, log, context.redis !== undefined, {
    entry: process.argv[1],
    cwd: context.cwd ?? process.cwd(),
  })
  debug('resolved %o', {
    enabled: config.enabled,
    path: config.path,
    token: config.token ? 'set' : 'unset',
    port: config.port,
    labels: config.labels,
    rules: config.alerts ? config.alerts.rules.map((r) => r.name) : 'off',
  })
  const windows = createWindows(config.alerts)
  const requests = new RequestMetrics(config.durationBuckets, config.maxRoutes, windows.http, log)
  const instruments = createInstruments(config, requests)
  const endpoint = new MetricsEndpoint(config, instruments.registry, log, context.allowedHost)
  const servesOnApp = config.enabled && config.port === undefined
  const recordRateLimited = (tier: string) => instruments.rateLimited.inc({ tier })
  const tracker = new RequestTracker(requests, context.skip, config.routeLabel, recordRateLimited)
  const server = config.port === undefined ? undefined : new MetricsServer(endpoint)
  const sampler = new ProcessSampler(windows.eventLoop, windows.memory)
  const alerts = config.alerts
    ? createEngine(config, config.alerts, windows, instruments, context, log)
    : undefined
  if (alerts) instruments.alerts.source = { firing: () => alerts.engine.status() }
  const stops: (() => void)[] = []

  let started: Promise<void> | undefined
  let closed: Promise<void> | undefined
  const start = (): Promise<void> => {
    if (!config.enabled || closed) return Promise.resolve()
    started ??= (async () => {
      alerts?.engine.start()
      sampler.start()
      if (server && config.port !== undefined) await server.listen(config.port, config.host)
    })()
    return started
  }
  const close = (): Promise<void> => {
    closed ??= (async () => {
      alerts?.engine.stop()
      sampler.stop()
      for (const stop of stops.splice(0)) stop()
      await Promise.allSettled([server?.close(), alerts?.dispatcher.close(CLOSE_WAIT_MS)])
    })()
    return closed
  }

  return {
    enabled: config.enabled,
    registry: instruments.registry,
    path: config.path,
    alerting:
      alerts && config.enabled
        ? {
            rules: config.alerts ? config.alerts.rules.map((rule) => rule.name) : [],
            notifiers: alerts.notifiers,
            service: config.labels.service ?? 'app',
          }
        : undefined,
    get port() {
      return server?.port
    },
    isMetricsPath: servesOnApp ? (req) => endpoint.matches(req) : () => false,
    observeKnex(knex) {
      stops.push(observeKnex(knex, instruments.queryDuration, windows.db, instruments.pools))
    },
    observeRedis(redis) {
      stops.push(observeRedis(redis, instruments.redisCommandErrors, instruments.redisConnectionErrors))
    },
    observeMailer: (mailer) => observeMailer(mailer, instruments.mailSends),
    recordMail(provider, result) {
      instruments.mailSends.inc({ provider, result })
    },
    recordRateLimited,
    recordFlagEvaluation(flag, variant) {
      instruments.flagEvaluations.inc({ flag, variant: String(variant) })
    },
    recordQuery(durationMs, ok = true) {
      const now = performance.now()
      instruments.queryDuration.observe({ result: ok ? 'ok' : 'error' }, durationMs / 1000)
      windows.db?.record(durationMs, now, !ok)
    },
    metrics: () => instruments.registry.metrics(),
    alertStatus: () => alerts?.engine.status() ?? [],
    evaluateAlerts: () => alerts?.engine.evaluate(),
    start,
    close,
    shutdownHook: (hookOptions = {}) => ({
      name: 'metrics',
      close,
      timeoutMs: hookOptions.timeoutMs ?? 5000,
    }),
    [INTERNALS]: { enabled: config.enabled, servesOnApp, tracker, endpoint, start, close },
  }
}

const HTTP_KINDS: AlertRuleKind[] = ['latency', 'errorRate']

/** One sliding window per source some rule reads, sized for the rules that read it. */
function createWindows(alerts: AlertsConfig | false): AlertSources {
  if (!alerts) return {}
  const windowFor = (kinds: AlertRuleKind[], histogram: boolean) => {
    const rules = alerts.rules.filter((rule) => kinds.includes(rule.kind))
    if (rules.length === 0) return undefined
    const spans = rules.map((rule) => rule.windowMs)
    return new SlidingWindow(Math.min(...spans), Math.max(...spans), histogram)
  }
  return {
    http: windowFor(
      HTTP_KINDS,
      alerts.rules.some((rule) => rule.kind === 'latency'),
    ),
    db: windowFor(['dbLatency'], true),
    eventLoop: windowFor(['eventLoopDelay'], true),
    memory: windowFor(['memory'], false),
  }
}

function createEngine(
  config: MetricsConfig,
  alerts: AlertsConfig,
  windows: AlertSources,
  instruments: ReturnType<typeof createInstruments>,
  context: MetricsContext,
  log: KitLogger,
): { engine: AlertEngine; dispatcher: Dispatcher; notifiers: string[] } {
  const notifiers: Notifier[] = []
  const notify = alerts.notify
  if (notify.log) notifiers.push(logNotifier(log))
  if (notify.slackUrl) notifiers.push(slackNotifier(notify.slackUrl))
  if (notify.mailTo.length > 0) {
    if (context.mailer)
      notifiers.push(mailNotifier(lazy(context.mailer), notify.mailTo, notify.subjectPrefix))
    else {
      log.warn(
        '@kit/metrics: alert recipients are set (ALERT_EMAIL_TO / alerts.notify.mail.to) but no mailer was given, so alerts are not mailed. Configure MAIL_PROVIDER (productionize passes kit.mailer) or pass `mailer` in the context.',
      )
    }
  }
  const dispatcher = new Dispatcher(notifiers, notify, log, instruments.alertNotifications)
  const owner = `${instanceName(context.env ?? process.env)}:${process.pid}:${randomBytes(4).toString('hex')}`
  const lock =
    alerts.lock && context.redis
      ? new AlertLock(lazy<LockClient>(context.redis), alerts.lock.prefix, alerts.lock.timeoutMs, owner, log)
      : undefined
  const engine = new AlertEngine(alerts, windows, dispatcher, lock, config.labels, config.appUrl, log)
  return { engine, dispatcher, notifiers: notifiers.map((notifier) => notifier.name) }
}

/** A value, or a function called once on first use (kit.mailer and kit.redis are created lazily). */
function lazy<T extends object>(value: T | (() => T)): () => T {
  if (typeof value !== 'function') return () => value
  let resolved: T | undefined
  return () => {
    resolved ??= (value as () => T)()
    return resolved
  }
}
