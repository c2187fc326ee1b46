import { createPostgresDatabase, type ListeningApp, type TestDatabase } from '@kit/test-utils'
import knex, { type Knex } from 'knex'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type AlertRuleOptions, createMetrics, LAUNCH_PRESET, type Metrics } from '../src/index.ts'
import { hit, type Receiver, serve, startReceiver, waitFor } from './helpers.ts'

describe('rule kinds', () => {
  let database: TestDatabase
  let db: Knex
  let receiver: Receiver | undefined
  let metrics: Metrics | undefined
  let app: ListeningApp | undefined

  beforeAll(async () => {
    database = await createPostgresDatabase('metrics_rules')
    db = knex({ client: 'pg', connection: database.url, pool: { min: 0, max: 4 } })
  })

  afterEach(async () => {
    await app?.close()
    await metrics?.close()
    await receiver?.close()
    app = metrics = receiver = undefined
  })

  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  async function start(rules: Record<string, AlertRuleOptions>) {
    receiver = await startReceiver()
    metrics = createMetrics(
      {
        processMetrics: false,
        alerts: {
          preset: 'none',
          rules,
          intervalMs: 50,
          notify: { log: false, slack: { webhookUrl: receiver.url } },
        },
      },
      { env: {} },
    )
    await metrics.start()
    return { metrics, receiver }
  }

  it('dbLatency fires on slow queries of an observed knex (real Postgres)', async () => {
    const { metrics, receiver } = await start({
      slowQueries: { kind: 'dbLatency', thresholdMs: 150, minQueries: 4, windowMs: 5000 },
    })
    metrics.observeKnex(db)
    await db.raw('select 1')
    await Promise.all(Array.from({ length: 4 }, () => db.raw('select pg_sleep(0.25)')))
    await waitFor(() => receiver.received.length === 1, 'the slow-query notice')
    expect(receiver.received[0].text).toMatch(
      /Warning: slowQueries .*p95 database query latency [\d.]+ m?s ≥ 150 ms over the last 5 s \([45] queries\)/,
    )
  })

  it('eventLoopDelay fires when a handler blocks the loop', async () => {
    const { metrics, receiver } = await start({
      blocked: { kind: 'eventLoopDelay', percentile: 90, thresholdMs: 200, windowMs: 3000 },
    })
    app = await serve('fastify', metrics)
    await hit(app.url, () => '/block?ms=700', 1, 1)
    await waitFor(() => receiver.received.length === 1, 'the event-loop notice')
    expect(receiver.received[0].text).toMatch(/p90 event-loop delay [\d.]+ m?s ≥ 200 ms over the last 3 s/)
  })

  it('memory fires above its share of the heap or container limit', async () => {
    const { metrics, receiver } = await start({
      memory: { kind: 'memory', thresholdPercent: 0.01, windowMs: 2000, severity: 'critical' },
    })
    await waitFor(() => receiver.received.length === 1, 'the memory notice')
    expect(receiver.received[0].text).toMatch(/Critical: memory .*memory use [\d.]+% ≥ 0% over the last 2 s/)
    const status = metrics.alertStatus()[0]!
    expect(status.value).toBeGreaterThan(0.0001)
    expect(status.value).toBeLessThan(1)
  })

  it('the launch preset holds the thresholds of the launch plans', async () => {
    metrics = createMetrics({ processMetrics: false }, { env: {} })
    expect(metrics.alertStatus().map((s) => [s.rule, s.kind, s.severity])).toEqual([
      ['latency', 'latency', 'critical'],
      ['errorRate', 'errorRate', 'critical'],
      ['dbLatency', 'dbLatency', 'warning'],
      ['eventLoopDelay', 'eventLoopDelay', 'warning'],
      ['memory', 'memory', 'warning'],
    ])
    expect(LAUNCH_PRESET.latency).toMatchObject({ percentile: 95, thresholdMs: 3000, cooldownMs: 300_000 })
    expect(LAUNCH_PRESET.errorRate).toMatchObject({
      thresholdPercent: 5,
      windowMs: 300_000,
      cooldownMs: 120_000,
    })
    expect(LAUNCH_PRESET.dbLatency).toMatchObject({ percentile: 95, thresholdMs: 1000, cooldownMs: 600_000 })
    expect(LAUNCH_PRESET.memory).toMatchObject({ thresholdPercent: 80 })
  })
})
