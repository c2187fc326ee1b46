import {
  createRedisPrefix,
  type ListeningApp,
  type RedisPrefix,
  startThrowawayRedis,
  type ThrowawayRedis,
} from '@kit/test-utils'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type AlertRuleOptions, createMetrics, type Metrics, type MetricsContext } from '../src/index.ts'
import {
  driveUntil,
  hit,
  memoryLogger,
  type Receiver,
  serve,
  sleep,
  startReceiver,
  waitFor,
} from './helpers.ts'

const ERROR_RATE: AlertRuleOptions = {
  kind: 'errorRate',
  severity: 'critical',
  thresholdPercent: 5,
  minRequests: 10,
  windowMs: 1500,
  cooldownMs: 60_000,
}

function instance(webhookUrl: string, lockPrefix: string, context: MetricsContext): Metrics {
  return createMetrics(
    {
      processMetrics: false,
      alerts: {
        preset: 'none',
        rules: { errorRate: ERROR_RATE },
        intervalMs: 50,
        notify: { log: false, slack: { webhookUrl } },
        lock: { prefix: lockPrefix, timeoutMs: 500 },
      },
    },
    { env: { HEROKU_APP_NAME: 'shop', NODE_ENV: 'production' }, ...context },
  )
}

describe('the alert lock (option alerts.lock)', { timeout: 60_000 }, () => {
  let prefix: RedisPrefix
  let redis: Redis
  let receiver: Receiver | undefined
  const apps: ListeningApp[] = []
  const instances: Metrics[] = []

  beforeAll(async () => {
    prefix = await createRedisPrefix('metrics-lock')
    redis = new Redis(prefix.url, { maxRetriesPerRequest: 1 })
  })

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
    for (const metrics of instances.splice(0)) await metrics.close()
    await receiver?.close()
    receiver = undefined
  })

  afterAll(async () => {
    await prefix.cleanup()
    redis.disconnect()
  })

  it('lets two instances that both see the errors send one alert and one recovery between them', async () => {
    receiver = await startReceiver()
    // Two instances of one app, each with its own client of the shared Redis (one Express, one Fastify).
    const first = instance(receiver.url, prefix.prefix, { redis })
    const secondClient = new Redis(prefix.url, { maxRetriesPerRequest: 1 })
    const second = instance(receiver.url, prefix.prefix, { redis: () => secondClient })
    instances.push(first, second)
    const a = await serve('express', first)
    const b = await serve('fastify', second)
    apps.push(a, b)
    await Promise.all([first.start(), second.start()])

    await Promise.all([hit(a.url, () => '/boom', 30), hit(b.url, () => '/boom', 30)])
    await waitFor(
      () => first.alertStatus()[0]!.firing && second.alertStatus()[0]!.firing,
      'both instances to see the rule fire',
    )
    await sleep(500)
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0].text).toContain('Critical: errorRate on shop (production)')
    const skipped = (await first.metrics()) + (await second.metrics())
    expect(skipped).toMatch(/alert_notifications_total\{notifier="slack",result="skipped".*\} 1/)

    // Both see healthy traffic again; only the instance that announced the incident sends its recovery.
    const recovered = () => !first.alertStatus()[0]!.firing && !second.alertStatus()[0]!.firing
    await Promise.all([
      driveUntil(a.url, '/hello', recovered, 'both to recover'),
      driveUntil(b.url, '/hello', recovered, 'both to recover'),
    ])
    await waitFor(() => receiver!.received.length >= 2, 'the recovery notice')
    await sleep(300)
    expect(receiver.received.map((m) => /Critical|Resolved/.exec(m.text)?.[0])).toEqual([
      'Critical',
      'Resolved',
    ])
    const keys = await redis.keys(`${prefix.prefix}*`)
    expect(keys).toEqual([`${prefix.prefix}shop:production:errorRate`])
    const ttl = await redis.pttl(keys[0]!)
    expect(ttl).toBeGreaterThan(50_000)
    secondClient.disconnect()
  })

  describe('while Redis is down', () => {
    let throwaway: ThrowawayRedis

    beforeAll(async () => {
      throwaway = await startThrowawayRedis()
    })

    afterAll(async () => {
      await throwaway.destroy()
    })

    it('sends the alert anyway and warns once', async () => {
      receiver = await startReceiver()
      const client = new Redis(throwaway.url, {
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => 200,
      })
      client.on('error', () => {})
      await throwaway.stop()
      const log = memoryLogger()
      const metrics = instance(receiver.url, 'kit-test:down:', { redis: client, log })
      instances.push(metrics)
      const app = await serve('express', metrics)
      apps.push(app)
      await metrics.start()
      await hit(app.url, () => '/boom', 20)
      await waitFor(() => receiver!.received.length === 1, 'the alert, sent without the lock')
      const warnings = log.lines.filter((l) => l.level === 'warn' && l.message.includes('alert lock'))
      expect(warnings).toHaveLength(1)
      client.disconnect()
    })
  })
})
