import type { RequestMetrics } from './request-metrics.ts'

type Labels = Record<string, string | number>

interface MetricValue {
  labels: Labels
  value: number
  metricName?: string
}

/**
 * What a prom-client Registry reads from each registered metric: a name, a
 * help text, a type and, from `get()`, its values. prom-client has no API to
 * publish counts aggregated elsewhere (prometheus/client_js#241), so the
 * request series are presented through this small contract, which its own
 * cluster aggregation relies on too.
 */
export interface ExposedMetric {
  name: string
  help: string
  type: 'counter' | 'histogram'
  aggregator: 'sum'
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }>
  reset(): void
}

export function requestCounter(name: string, requests: RequestMetrics): ExposedMetric {
  const help = 'HTTP requests, by route template, method and status class.'
  return {
    name,
    help,
    type: 'counter',
    aggregator: 'sum',
    async get() {
      const values: MetricValue[] = []
      for (const series of requests.series()) values.push({ labels: series.labels, value: series.count })
      return { name, help, type: 'counter', aggregator: 'sum', values }
    },
    reset: () => requests.reset(),
  }
}

export function requestHistogram(name: string, requests: RequestMetrics): ExposedMetric {
  const help = 'HTTP request duration in seconds, by route template, method and status class.'
  const bounds = requests.bucketsSeconds
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: MetricValue[] = []
      for (const series of requests.series()) {
        let cumulative = 0
        for (let i = 0; i < bounds.length; i++) {
          cumulative += series.buckets[i]!
          values.push({
            labels: { ...series.labels, le: bounds[i]! },
            value: cumulative,
            metricName: `${name}_bucket`,
          })
        }
        values.push({
          labels: { ...series.labels, le: '+Inf' },
          value: series.count,
          metricName: `${name}_bucket`,
        })
        values.push({ labels: series.labels, value: series.sum, metricName: `${name}_sum` })
        values.push({ labels: series.labels, value: series.count, metricName: `${name}_count` })
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values }
    },
    reset: () => requests.reset(),
  }
}
