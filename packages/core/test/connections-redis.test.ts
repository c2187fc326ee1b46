import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedis } from '../src/connections/redis.ts'

describe('createRedis', () => {
  let server: ThrowawayRedis
  beforeAll(async () => {
    server = await startThrowawayRedis()
  })
  afterAll(() => server.destroy())

  it('fails commands fast while Redis is down and recovers by itself when it returns', async () => {
    const warnings: string[] = []
    const log = { warn: (_o: object, m: string) => warnings.push(m), info: () => {} } as never
    const redis = createRedis(
      { REDIS_URL: server.url },
      { commandTimeoutMs: 500, maxReconnectDelayMs: 200 },
      { log },
    )
    expect(await redis.set('k', 'v')).toBe('OK')

    await server.stop()
    const started = Date.now()
    await expect(redis.get('k')).rejects.toThrow()
    // Fail-fast: well under the default 10 s+ a queued retry would take (generous for a busy machine).
    expect(Date.now() - started).toBeLessThan(5000)
    await expect(redis.ping()).rejects.toThrow()
    expect(warnings.filter((w) => w.includes('unreachable'))).toHaveLength(1)

    await server.start()
    const deadline = Date.now() + 5000
    while (redis.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    expect(await redis.ping()).toBe('PONG')
    redis.disconnect()
  })

  it('requires REDIS_URL', () => {
    expect(() => createRedis({})).toThrow(/REDIS_URL/)
  })
})
