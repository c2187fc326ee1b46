import { createRedisPrefix, type RedisPrefix, type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FRAMEWORKS, get, statuses } from './helpers/apps.ts'

const FIXTURE = new URL('./fixtures/server.ts', import.meta.url).pathname

let redis: RedisPrefix
const processes: SpawnedProcess[] = []
beforeAll(async () => {
  redis = await createRedisPrefix('rate-limit-shared')
})
afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGTERM')
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))])
    }
  }
  await redis.cleanup()
})

async function instance(framework: string, prefix: string): Promise<string> {
  const child = spawnTs(FIXTURE, [], {
    env: { FRAMEWORK: framework, REDIS_URL: redis.url, PREFIX: prefix, PER_MINUTE: '5', NODE_ENV: 'test' },
  })
  processes.push(child)
  await child.waitFor(/listening http:\/\/127\.0\.0\.1:\d+/, 30_000)
  return /listening (\S+)/.exec(child.stdout())![1]!
}

describe.each(FRAMEWORKS)('%s', (framework) => {
  it('two processes behind one Redis share one limit', async () => {
    const prefix = `${redis.prefix}${framework}:`
    const [a, b] = await Promise.all([instance(framework, prefix), instance(framework, prefix)])
    expect(await statuses(3, () => get(`${a}/hello`))).toEqual([200, 200, 200])
    const fromB = await statuses(3, () => get(`${b}/hello`))
    expect(fromB).toEqual([200, 200, 429])
    expect((await get(`${a}/hello`)).status).toBe(429)
    const last = await get(`${b}/hello`)
    expect(last.headers.get('ratelimit')).toMatch(/^"global";r=0;t=\d+$/)
    // Each process reports on exit whatever it logged as a problem: a correct setup logs none.
    for (const p of processes.splice(0)) {
      p.child.kill('SIGTERM')
      expect((await p.exited).code).toBe(0)
      expect(p.stderr()).not.toContain('problems')
    }
  })
})
