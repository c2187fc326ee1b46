import { type EventLoopUtilization, performance } from 'node:perf_hooks'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { MetricsConfig } from './config.ts'
import { requestCounter, requestHistogram } from './http/exposition.ts'
import type { RequestMetrics } from './http/request-metrics.ts'

/** A connection pool read when scraped (knex's tarn pool satisfies it). */
export interface PoolSource {
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
  max: number
}

export interface AlertGaugeSource {
  firing(): { rule: string; severity: string; firing: boolean }[]
}

/** Every metric kit exposes, in one registry. Names get the configured prefix. */
export interface Instruments {
  registry: Registry
  queryDuration: Histogram<'result'>
  redisCommandErrors: Counter<'command'>
  redisConnectionErrors: Counter
  mailSends: Counter<'provider' | 'result'>
  rateLimited: Counter<'tier'>
  flagEvaluations: Counter<'flag' | 'variant'>
  alertNotifications: Counter<'notifier' | 'result'>
  pools: Set<() => PoolSource | undefined>
  alerts: { source: AlertGaugeSource | undefined }
}

export function createInstruments(config: MetricsConfig, requests: RequestMetrics): Instruments {
  const registry = config.registry ?? new Registry()
  registry.setDefaultLabels(config.labels)
  const p = config.prefix
  const registers = [registry]
  registry.registerMetric(requestCounter(`${p}http_requests_total`, requests) as never)
  registry.registerMetric(requestHistogram(`${p}http_request_duration_seconds`, requests) as never)
  new Gauge({
    name: `${p}http_requests_in_flight`,
    help: 'HTTP requests being handled now.',
    registers,
    collect() {
      this.set(requests.inFlight)
    },
  })
  let lastElu: EventLoopUtilization | undefined
  new Gauge({
    name: `${p}nodejs_eventloop_utilization`,
    help: 'Share of time the event loop was busy since the previous scrape (0–1).',
    registers,
    collect() {
      const now = performance.eventLoopUtilization()
      this.set(lastElu ? performance.eventLoopUtilization(now, lastElu).utilization : now.utilization)
      lastElu = now
    },
  })
  if (config.processMetrics) collectDefaultMetrics({ register: registry, prefix: p })

  const pools = new Set<() => PoolSource | undefined>()
  new Gauge({
    name: `${p}db_pool_connections`,
    help: 'Database pool connections by state (used, free, pending acquires), over every observed pool.',
    labelNames: ['state'],
    registers,
    collect() {
      let used = 0
      let free = 0
      let pending = 0
      for (const read of pools) {
        const pool = read()
        if (!pool) continue
        used += pool.numUsed()
        free += pool.numFree()
        pending += pool.numPendingAcquires()
      }
      this.set({ state: 'used' }, used)
      this.set({ state: 'free' }, free)
      this.set({ state: 'pending' }, pending)
    },
  })
  new Gauge({
    name: `${p}db_pool_max`,
    help: 'Largest size of the observed database pools, summed.',
    registers,
    collect() {
      let max = 0
      for (const read of pools) max += read()?.max ?? 0
      this.set(max)
    },
  })

  const alerts: Instruments['alerts'] = { source: undefined }
  new Gauge({
    name: `${p}alerts_firing`,
    help: 'Alert rules firing on this instance (1) or not (0).',
    labelNames: ['rule', 'severity'],
    registers,
    collect() {
      for (const state of alerts.source?.firing() ?? []) {
        this.set({ rule: state.rule, severity: state.severity }, state.firing ? 1 : 0)
      }
    },
  })

  return {
    registry,
    queryDuration: new Histogram({
      name: `${p}db_query_duration_seconds`,
      help: 'Database query duration in seconds (knex), by result.',
      labelNames: ['result'],
      buckets: config.queryBuckets,
      registers,
    }),
    redisCommandErrors: new Counter({
      name: `${p}redis_command_errors_total`,
      help: 'Redis commands that failed, by command.',
      labelNames: ['command'],
      registers,
    }),
    redisConnectionErrors: new Counter({
      name: `${p}redis_connection_errors_total`,
      help: 'Redis connection errors (the client emitted "error").',
      registers,
    }),
    mailSends: new Counter({
      name: `${p}mail_sends_total`,
      help: 'Mail sends by provider and result (sent, failed).',
      labelNames: ['provider', 'result'],
      registers,
    }),
    rateLimited: new Counter({
      name: `${p}rate_limit_rejections_total`,
      help: 'Requests refused by a rate limit, by tier.',
      labelNames: ['tier'],
      registers,
    }),
    flagEvaluations: new Counter({
      name: `${p}flag_evaluations_total`,
      help: 'Feature flag evaluations by flag and variant.',
      labelNames: ['flag', 'variant'],
      registers,
    }),
    alertNotifications: new Counter({
      name: `${p}alert_notifications_total`,
      help: 'Alert notices by notifier and result (sent, failed, skipped when another instance held the lock).',
      labelNames: ['notifier', 'result'],
      registers,
    }),
    pools,
    alerts,
  }
}
