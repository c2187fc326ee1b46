import { createFakeMailer } from '@kit/mailer'
import {
  createPostgresDatabase,
  createRedisPrefix,
  type RedisPrefix,
  startThrowawayRedis,
  type TestDatabase,
} from '@kit/test-utils'
import { Redis } from 'ioredis'
import knex, { type Knex } from 'knex'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics, type Metrics } from '../src/index.ts'
import { samples, value, waitFor } from './helpers.ts'

let metrics: Metrics

afterEach(async () => {
  await metrics?.close()
})

function fresh(): Metrics {
  metrics = createMetrics({ processMetrics: false, alerts: false }, { env: {} })
  return metrics
}

describe('observeKnex (real Postgres)', () => {
  let database: TestDatabase
  let db: Knex

  beforeAll(async () => {
    database = await createPostgresDatabase('metrics_observe')
    db = knex({ client: 'pg', connection: database.url, pool: { min: 0, max: 3 } })
  })

  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  it('times queries by result, transactions included', async () => {
    const metrics = fresh()
    metrics.observeKnex(db)
    await db.raw('select 1')
    await db.transaction(async (trx) => {
      await trx.raw('select 2')
    })
    await expect(db.raw('select * from no_such_table')).rejects.toThrow()
    const text = await metrics.metrics()
    expect(value(text, 'db_query_duration_seconds_count', 'result="ok"')).toBeGreaterThanOrEqual(2)
    expect(value(text, 'db_query_duration_seconds_count', 'result="error"')).toBe(1)
  })

  it('reads the pool when scraped', async () => {
    const metrics = fresh()
    metrics.observeKnex(db)
    const slow = db.raw('select pg_sleep(0.4)').then(() => undefined)
    await waitFor(() => (db.client.pool?.numUsed() ?? 0) === 1, 'the query to hold a connection')
    const text = await metrics.metrics()
    expect(value(text, 'db_pool_max')).toBe(3)
    expect(value(text, 'db_pool_connections', 'state="used"')).toBe(1)
    await slow
    expect(value(await metrics.metrics(), 'db_pool_connections', 'state="used"')).toBe(0)
  })

  it('stops observing at close()', async () => {
    const metrics = fresh()
    metrics.observeKnex(db)
    await metrics.close()
    await db.raw('select 1')
    expect(samples(await metrics.metrics(), 'db_query_duration_seconds_count')).toHaveLength(0)
    expect(db.listenerCount('query')).toBe(0)
  })

  it('refuses something that is not a knex instance', () => {
    const metrics = fresh()
    expect(() => metrics.observeKnex({} as never)).toThrow(
      expect.objectContaining({ code: 'KIT_METRICS_NOT_OBSERVABLE' }),
    )
  })
})

describe('observeRedis', () => {
  let prefix: RedisPrefix

  beforeAll(async () => {
    prefix = await createRedisPrefix('metrics-observe')
  })

  afterAll(async () => {
    await prefix.cleanup()
  })

  it('counts failed commands by name (real Redis)', async () => {
    const metrics = fresh()
    const redis = new Redis(prefix.url, { maxRetriesPerRequest: 1 })
    metrics.observeRedis(redis)
    const key = `${prefix.prefix}string`
    await redis.set(key, 'x')
    await expect(redis.hget(key, 'field')).rejects.toThrow(/WRONGTYPE/)
    await expect(redis.lpush(key, 'y')).rejects.toThrow(/WRONGTYPE/)
    await expect(redis.lpush(key, 'y')).rejects.toThrow(/WRONGTYPE/)
    const text = await metrics.metrics()
    expect(value(text, 'redis_command_errors_total', 'command="hget"')).toBe(1)
    expect(value(text, 'redis_command_errors_total', 'command="lpush"')).toBe(2)
    expect(samples(text, 'redis_command_errors_total', 'command="set"')).toHaveLength(0)
    redis.disconnect()
  })

  it('counts connection errors, and restores the client at close()', async () => {
    const server = await startThrowawayRedis()
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => 100 })
    const original = redis.sendCommand
    const metrics = fresh()
    metrics.observeRedis(redis)
    expect(redis.sendCommand).not.toBe(original)
    await redis.ping()
    await server.stop()
    await waitFor(() => redis.status !== 'ready', 'the client to notice the outage')
    await expect
      .poll(async () => samples(await metrics.metrics(), 'redis_connection_errors_total').length)
      .toBe(1)
    await expect
      .poll(async () => value(await metrics.metrics(), 'redis_connection_errors_total'))
      .toBeGreaterThan(0)
    await metrics.close()
    expect(redis.sendCommand).toBe(original)
    redis.disconnect()
    await server.destroy()
  })

  it('refuses something that is not an ioredis client', () => {
    const metrics = fresh()
    expect(() => metrics.observeRedis({ on() {} } as never)).toThrow(
      expect.objectContaining({ code: 'KIT_METRICS_NOT_OBSERVABLE' }),
    )
  })
})

describe('observeMailer', () => {
  it('counts sends by provider and result, on the same mailer object', async () => {
    const metrics = fresh()
    const mailer = createFakeMailer()
    expect(metrics.observeMailer(mailer)).toBe(mailer)
    await mailer.send({ to: 'a@example.test', subject: 'Hi', text: 'hello' })
    await mailer.send({ to: 'b@example.test', subject: 'Hi', text: 'hello' })
    await expect(
      mailer.send({ to: 'c@example.test', subject: 'Bad\r\nBcc: x@evil.test', text: 'x' }),
    ).rejects.toThrow()
    expect(mailer.sent()).toHaveLength(2)
    const text = await metrics.metrics()
    expect(value(text, 'mail_sends_total', 'provider="memory"', 'result="sent"')).toBe(2)
    expect(value(text, 'mail_sends_total', 'provider="unknown"', 'result="failed"')).toBe(1)
  })

  it('refuses something without send()', () => {
    const metrics = fresh()
    expect(() => metrics.observeMailer({} as never)).toThrow(
      expect.objectContaining({ code: 'KIT_METRICS_NOT_OBSERVABLE' }),
    )
  })
})

describe('record methods', () => {
  it('count mail, rate-limit refusals, flag evaluations and queries of other clients', async () => {
    const metrics = fresh()
    metrics.recordMail('sendgrid', 'failed')
    metrics.recordRateLimited('auth')
    metrics.recordFlagEvaluation('newCheckout', true)
    metrics.recordFlagEvaluation('newCheckout', 'variant-b')
    metrics.recordQuery(12)
    metrics.recordQuery(2600, false)
    const text = await metrics.metrics()
    expect(value(text, 'mail_sends_total', 'provider="sendgrid"', 'result="failed"')).toBe(1)
    expect(value(text, 'rate_limit_rejections_total', 'tier="auth"')).toBe(1)
    expect(value(text, 'flag_evaluations_total', 'flag="newCheckout"', 'variant="true"')).toBe(1)
    expect(value(text, 'flag_evaluations_total', 'variant="variant-b"')).toBe(1)
    expect(value(text, 'db_query_duration_seconds_count', 'result="ok"')).toBe(1)
    expect(value(text, 'db_query_duration_seconds_bucket', 'result="error"', 'le="2.5"')).toBe(0)
    expect(value(text, 'db_query_duration_seconds_bucket', 'result="error"', 'le="5"')).toBe(1)
  })
})
