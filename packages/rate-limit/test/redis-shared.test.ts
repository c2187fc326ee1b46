import { createRedisPrefix, type RedisPrefix, type SpawnedProcess, spawnTs } from '@kit/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FRAMEWORKS, get, statuses } from './helpers/apps.ts'

const FIXTURE = new URL('./fixtures/server.ts', import.meta.url).pathname

let redis: RedisPrefix
let processes: SpawnedProcess[] = []

function urlOf(process: SpawnedProcess, framework: string): string {
  return new RegExp(`^${framework} (\\S+)$`, 'm').exec(process.stdout())![1]!
}

beforeAll(async () => {
  redis = await createRedisPrefix('rate-limit-shared')
  const env = { REDIS_URL: redis.url, PREFIX: redis.prefix, PER_MINUTE: '5', NODE_ENV: 'test' }
  processes = [spawnTs(FIXTURE, [], { env }), spawnTs(FIXTURE, [], { env })]
  await Promise.all(processes.map((p) => p.waitFor(/^ready pid \d+$/m, 40_000)))
})
afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL')
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))])
    }
  }
  await redis.cleanup()
})

describe.each(FRAMEWORKS)('%s', (framework) => {
  it('two processes behind one Redis share one limit', async () => {
    const [a, b] = processes.map((p) => urlOf(p, framework)) as [string, string]
    expect(await statuses(3, () => get(`${a}/hello`))).toEqual([200, 200, 200])
    expect(await statuses(3, () => get(`${b}/hello`))).toEqual([200, 200, 429])
    expect((await get(`${a}/hello`)).status).toBe(429)
    const last = await get(`${b}/hello`)
    expect(last.headers.get('ratelimit')).toMatch(/^"global";r=0;t=\d+$/)
  })
})

it('both processes shut down cleanly, having logged no problem', async () => {
  for (const p of processes) {
    p.child.kill('SIGTERM')
    expect((await p.exited).code).toBe(0)
    expect(p.stderr()).not.toContain('problems')
  }
})
