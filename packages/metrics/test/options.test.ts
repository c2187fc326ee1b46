import { listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { metricsMiddleware, metricsRoute } from '../src/express.ts'
import { kitMetrics } from '../src/fastify.ts'
import { createMetrics, type Metrics, type MetricsContext, type MetricsOptions } from '../src/index.ts'
import { memoryLogger, samples, value } from './helpers.ts'

const created: Metrics[] = []
afterEach(async () => {
  for (const metrics of created.splice(0)) await metrics.close()
})

function make(options: unknown, context: MetricsContext = {}): Metrics {
  const metrics = createMetrics(options as MetricsOptions, { env: {}, ...context })
  created.push(metrics)
  return metrics
}

function codeOf(options: unknown, context: MetricsContext = {}): { code: string; message: string } {
  try {
    make(options, context)
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('createMetrics() did not throw')
}

describe('createMetrics() options', () => {
  it.each([
    [null, /must be an object/],
    [[], /must be an object/],
    [{ pth: '/x' }, /Unknown createMetrics\(\) option "pth". Did you mean "path"\?/],
    [{ path: 'metrics' }, /path must be a path starting with "\/"/],
    [{ path: '/metrics?x' }, /without query string/],
    [{ port: 70_000 }, /port must be a whole number from 0 to 65535, got 70000/],
    [{ port: '9100' }, /port must be a whole number/],
    [{ prefix: 'my-app_' }, /prefix must be a Prometheus name prefix/],
    [{ labels: { 'team-name': 'x' } }, /"team-name" is not a Prometheus label name/],
    [{ labels: { __name: 'x' } }, /"__name" is not a Prometheus label name/],
    [{ labels: { team: 3 } }, /labels.team must be a string, got 3/],
    [{ durationBuckets: [1, 0.5] }, /durationBuckets must be increasing positive numbers/],
    [{ durationBuckets: [] }, /durationBuckets must be increasing/],
    [{ queryBuckets: [0, 1] }, /queryBuckets must be increasing positive numbers/],
    [{ maxRoutes: 0 }, /maxRoutes must be a whole number from 1/],
    [{ routeLabel: 'route' }, /routeLabel must be a function/],
    [{ registry: {} }, /registry must be a prom-client Registry/],
    [{ enabled: 'yes' }, /enabled must be true or false, got "yes"/],
    [{ token: '' }, /must be a non-empty string/],
    [{ alerts: 'on' }, /alerts must be an object, got "on"/],
    [{ alerts: { interval: 10 } }, /Unknown alerts option "interval". Did you mean "intervalMs"\?/],
    [{ alerts: { intervalMs: 1 } }, /alerts.intervalMs must be a whole number from 10/],
    [{ alerts: { notify: { retries: -1 } } }, /alerts.notify.retries must be a whole number from 0 to 10/],
    [{ alerts: { notify: { slak: {} } } }, /Unknown alerts.notify option "slak". Did you mean "slack"\?/],
    [
      { alerts: { notify: { mail: { to: 'not an address' } } } },
      /alerts.notify.mail.to has "not an address"/,
    ],
    [{ alerts: { notify: { log: 'yes' } } }, /alerts.notify.log must be true or false/],
  ])('refuses %j with KIT_METRICS_INVALID_OPTION', (options, message) => {
    const error = codeOf(options)
    expect(error.code).toBe('KIT_METRICS_INVALID_OPTION')
    expect(error.message).toMatch(message)
  })

  it.each([
    [{ preset: 'strict' }, /alerts.preset must be one of launch, none, got "strict"/],
    [
      { rules: { x: { thresholdMs: 10 } } },
      /alerts.rules.x.kind must be one of .* \(a rule that overrides no preset rule needs a kind\)/,
    ],
    [
      { rules: { x: { kind: 'cpu' } } },
      /alerts.rules.x.kind must be one of latency, errorRate, dbLatency, eventLoopDelay, memory, got "cpu"/,
    ],
    [{ rules: { x: { kind: 'latency' } } }, /alerts.rules.x needs thresholdMs/],
    [
      { rules: { x: { kind: 'errorRate', thresholdMs: 5 } } },
      /alerts.rules.x \(kind errorRate\) takes no "thresholdMs"; it takes kind, severity/,
    ],
    [
      { rules: { x: { kind: 'errorRate', thresholdPercent: 150 } } },
      /thresholdPercent must be a number from 0 to 100, got 150/,
    ],
    [
      { rules: { errorRate: { thresholdPercnt: 2 } } },
      /Unknown field of alerts.rules.errorRate "thresholdPercnt". Did you mean "thresholdPercent"\?/,
    ],
    [
      { rules: { latency: { percentile: 100 } } },
      /alerts.rules.latency.percentile must be a number from 50 to 99.9, got 100/,
    ],
    [{ rules: { latency: { windowMs: 5 } } }, /alerts.rules.latency.windowMs must be a whole number from 10/],
    [{ rules: { latency: { severity: 'page' } } }, /severity must be "critical" or "warning", got "page"/],
    [{ rules: { latency: { recovery: 'no' } } }, /recovery must be true or false/],
    [{ rules: { latency: 3 } }, /alerts.rules.latency must be a rule object or false, got 3/],
    [{ rules: { 'has space': { kind: 'memory', thresholdPercent: 9 } } }, /Alert rule names are letters/],
  ])('refuses the alert rules %j with KIT_METRICS_INVALID_RULE', (alerts, message) => {
    const error = codeOf({ alerts })
    expect(error.code).toBe('KIT_METRICS_INVALID_RULE')
    expect(error.message).toMatch(message)
  })

  describe('option alerts.rules', () => {
    it('merges over the preset by name, turns rules off with false and adds new ones', () => {
      const metrics = make({
        processMetrics: false,
        alerts: {
          rules: {
            latency: { thresholdMs: 2000 },
            memory: false,
            dbLatency: false,
            eventLoopDelay: false,
            checkoutErrors: { kind: 'errorRate', thresholdPercent: 1 },
            errorRate: { kind: 'latency', thresholdMs: 500 },
          },
        },
      })
      expect(metrics.alertStatus().map((s) => [s.rule, s.kind, s.severity])).toEqual([
        ['latency', 'latency', 'critical'],
        ['errorRate', 'latency', 'warning'],
        ['checkoutErrors', 'errorRate', 'warning'],
      ])
    })

    it('with the none preset has only the rules given', () => {
      expect(make({ alerts: { preset: 'none' } }).alertStatus()).toEqual([])
      expect(make({ alerts: false }).alertStatus()).toEqual([])
    })
  })

  describe('option alerts.notify.slack (SLACK_WEBHOOK_URL)', () => {
    it('refuses a plain-http webhook without printing its secret path', () => {
      const error = codeOf(
        {},
        { env: { SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/SECRETPATH' } },
      )
      expect(error.code).toBe('KIT_METRICS_INVALID_WEBHOOK')
      expect(error.message).toContain('SLACK_WEBHOOK_URL must be an https URL, got http://hooks.slack.com/…')
      expect(error.message).not.toContain('SECRETPATH')
    })

    it('refuses something that is not a URL, naming the option', () => {
      const error = codeOf({ alerts: { notify: { slack: { webhookUrl: 'hooks.slack.com/SECRETPATH' } } } })
      expect(error.code).toBe('KIT_METRICS_INVALID_WEBHOOK')
      expect(error.message).toMatch(/^alerts.notify.slack.webhookUrl is not a URL \(26 characters\)/)
      expect(error.message).not.toContain('SECRETPATH')
    })

    it('accepts https, and http on loopback for local receivers', () => {
      expect(() =>
        make({}, { env: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x' } }),
      ).not.toThrow()
      expect(() => make({}, { env: { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook' } })).not.toThrow()
    })
  })

  describe('option port (METRICS_PORT)', () => {
    it('refuses the app port, naming the setting', () => {
      const error = codeOf({}, { env: { METRICS_PORT: '3000', PORT: 3000 } })
      expect(error.code).toBe('KIT_METRICS_INVALID_OPTION')
      expect(error.message).toMatch(/The metrics port \(METRICS_PORT\) is 3000, the app's own PORT/)
      expect(() => make({ port: 9100 }, { env: { PORT: '3000' } })).not.toThrow()
    })

    it('refuses a METRICS_PORT that is not a port number', () => {
      expect(codeOf({}, { env: { METRICS_PORT: 'ninety' } }).message).toMatch(
        /METRICS_PORT must be a whole number from 0 to 65535, got "ninety"/,
      )
    })
  })

  describe('option alerts.lock', () => {
    it('warns that it does nothing without a Redis client', () => {
      const log = memoryLogger()
      make({ alerts: { lock: { prefix: 'x:' } } }, { log })
      expect(log.lines.filter((l) => l.level === 'warn' && l.message.includes('alerts.lock'))).toHaveLength(1)
    })
  })

  describe('option token', () => {
    it('warns when the token is short enough to guess', () => {
      const log = memoryLogger()
      make({}, { env: { METRICS_TOKEN: 'short' }, log })
      expect(log.lines.filter((l) => l.level === 'warn' && l.message.includes('METRICS_TOKEN'))).toHaveLength(
        1,
      )
      expect(log.text()).not.toContain('short"')
    })
  })

  describe('labels', () => {
    it('puts service, environment, release and instance from env on every series', async () => {
      const metrics = make(
        { processMetrics: false, labels: { team: 'growth' } },
        { env: { HEROKU_APP_NAME: 'shop', NODE_ENV: 'production', SENTRY_RELEASE: 'abc123', DYNO: 'web.2' } },
      )
      metrics.recordRateLimited('auth')
      const line = samples(await metrics.metrics(), 'rate_limit_rejections_total')[0]
      expect(line).toBe(
        'rate_limit_rejections_total{tier="auth",service="shop",environment="production",release="abc123",instance="web.2",team="growth"} 1',
      )
    })

    it('prefers the service option and SENTRY_ENVIRONMENT', async () => {
      const metrics = make(
        { processMetrics: false, service: 'api' },
        { env: { HEROKU_APP_NAME: 'shop', NODE_ENV: 'production', SENTRY_ENVIRONMENT: 'staging' } },
      )
      metrics.recordRateLimited('auth')
      expect(samples(await metrics.metrics(), 'rate_limit_rejections_total')[0]).toContain(
        'service="api",environment="staging",release="unknown"',
      )
    })
  })

  describe('option prefix', () => {
    it('prefixes every metric, process metrics included', async () => {
      const text = await make({ prefix: 'shop_' }).metrics()
      expect(text).toContain('# TYPE shop_http_requests_total counter')
      expect(text).toContain('# TYPE shop_process_resident_memory_bytes gauge')
      expect(text).toContain('# TYPE shop_nodejs_eventloop_utilization gauge')
      expect(text).not.toMatch(/^# TYPE (?!shop_)/m)
    })
  })

  describe('option processMetrics', () => {
    it('adds prom-client process metrics unless false', async () => {
      expect(await make({}).metrics()).toContain('process_cpu_user_seconds_total')
      const without = await make({ processMetrics: false }).metrics()
      expect(without).not.toContain('process_cpu_user_seconds_total')
      expect(value(without, 'nodejs_eventloop_utilization')).toBeGreaterThanOrEqual(0)
    })
  })

  describe('option registry', () => {
    it('adds kit metrics to the registry given', async () => {
      const registry = new Registry()
      const metrics = make({ registry, processMetrics: false })
      expect(metrics.registry).toBe(registry)
      expect(await registry.metrics()).toContain('http_requests_in_flight')
    })
  })
})

describe('adapters', () => {
  it('refuses app.use(metricsMiddleware) without the call, with the fix', async () => {
    const app = express()
    app.use(metricsMiddleware as never)
    let caught: { code?: string; message?: string } | undefined
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      caught = error as never
      res.status(500).end()
    })
    const listening = await listenExpress(app)
    await fetch(`${listening.url}/`)
    await listening.close()
    expect(caught?.code).toBe('KIT_METRICS_MIDDLEWARE_NOT_CALLED')
    expect(caught?.message).toContain('metricsMiddleware() needs the instance createMetrics() returned')
  })

  it('refuses metricsRoute() without an instance', () => {
    expect(() => metricsRoute(undefined as never)).toThrow(
      expect.objectContaining({ code: 'KIT_METRICS_MIDDLEWARE_NOT_CALLED' }),
    )
  })

  it('refuses fastify.register(kitMetrics) without metrics', async () => {
    const app = Fastify()
    await expect(app.register(kitMetrics, {} as never)).rejects.toMatchObject({
      code: 'KIT_METRICS_MIDDLEWARE_NOT_CALLED',
    })
    await app.close()
  })

  it('starts the metrics with Fastify and closes them with it', async () => {
    const metrics = make({ port: 0, processMetrics: false, alerts: false })
    const app = Fastify()
    await app.register(kitMetrics, { metrics })
    expect(metrics.port).toBeUndefined()
    const listening = await listenFastify(app)
    expect(metrics.port).toBeGreaterThan(0)
    await listening.close()
    expect(metrics.port).toBeUndefined()
  })
})
