/**
 * The same variants as run.ts, in one process, without sockets: requests
 * are injected (light-my-request, what fastify.inject uses) one after another
 * and the process's CPU time is divided by their number. No network and no
 * load generator competing for the two cores, so the per-request cost of the
 * limiter itself stands out from the noise run.ts suffers on a busy machine.
 * Variants interleaved over ROUNDS rounds; median µs per request.
 *
 * Run: pnpm exec tsx bench/rate-limit/micro.ts   (ROUNDS=7 REQUESTS=5000 ONLY=<regex>)
 */
import { createRequire } from 'node:module'
import { startThrowawayRedis } from '../../packages/test-utils/src/index.ts'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const REQUESTS = Number(process.env.REQUESTS ?? 5000)
const redis = await startThrowawayRedis()
process.env.REDIS_URL = redis.url
const { clientsReady, counters, variants } = await import('./variants.ts')

// light-my-request comes with fastify.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
const inject = fromFastify('light-my-request') as (
  dispatch: unknown,
  options: { method: string; url: string; remoteAddress: string },
) => Promise<{ statusCode: number }>

const names = Object.keys(variants).filter((name) => new RegExp(process.env.ONLY ?? '.').test(name))
const apps = new Map<string, () => Promise<number>>()
for (const name of names) {
  const built = await variants[name]!()()
  await clientsReady()
  const options = { method: 'GET', url: '/hello', remoteAddress: '127.0.0.1' }
  apps.set(
    name,
    built.kind === 'express'
      ? async () => (await inject(built.app, options)).statusCode
      : async () => (await built.app.inject(options)).statusCode,
  )
}

async function run(send: () => Promise<number>, count: number): Promise<{ cpu: number; trips: number }> {
  const sent = counters.commandsSent
  const before = process.cpuUsage()
  for (let i = 0; i < count; i++) {
    const status = await send()
    if (status !== 200) throw new Error(`status ${status}`)
  }
  const used = process.cpuUsage(before)
  return { cpu: (used.user + used.system) / count, trips: (counters.commandsSent - sent) / count }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const samples = new Map<string, { cpu: number[]; trips: number[] }>()
try {
  for (const send of apps.values()) await run(send, 1000) // warm-up: JIT, Redis script cache
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]!)
    for (const name of order) {
      const result = await run(apps.get(name)!, REQUESTS)
      const s = samples.get(name) ?? { cpu: [], trips: [] }
      s.cpu.push(result.cpu)
      s.trips.push(result.trips)
      samples.set(name, s)
    }
    process.stderr.write('.')
  }
} finally {
  await redis.destroy()
}
process.stderr.write('\n')
const cpu = (name: string) => median(samples.get(name)!.cpu)
console.log(
  `${ROUNDS} rounds × ${REQUESTS} injected requests, Node ${process.version}; median CPU µs per request\n`,
)
console.log('| variant | CPU µs/req | vs bare | Redis round trips/req |')
console.log('|---|---:|---:|---:|')
for (const name of names) {
  const bare = name.startsWith('express') ? 'express bare' : 'fastify bare'
  const ratio = samples.has(bare) ? `${(cpu(name) / cpu(bare)).toFixed(2)}×` : '—'
  console.log(
    `| ${name} | ${cpu(name).toFixed(1)} | ${ratio} | ${median(samples.get(name)!.trips).toFixed(3)} |`,
  )
}
const pairs: [string, string][] = [
  ['express + @kit/rate-limit (memory)', 'express + express-rate-limit (memory)'],
  ['express + @kit/rate-limit (redis)', 'express + express-rate-limit + rate-limit-redis'],
  ['fastify + @kit/rate-limit (memory)', 'fastify + @fastify/rate-limit (memory)'],
  ['fastify + @kit/rate-limit (redis)', 'fastify + @fastify/rate-limit (redis)'],
]
console.log('\n| kit vs by hand | CPU/req ratio |\n|---|---:|')
for (const [kit, hand] of pairs) {
  if (samples.has(kit) && samples.has(hand)) console.log(`| ${kit} | ${(cpu(kit) / cpu(hand)).toFixed(2)}× |`)
}
process.exit(0)
