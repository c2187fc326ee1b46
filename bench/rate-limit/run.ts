/**
 * GET /hello limited by express-rate-limit / @fastify/rate-limit wired by
 * hand (memory, Redis) and by @kit/rate-limit (memory, Redis), plus the bare
 * frameworks for scale. Each server in its own process, load from this one
 * (autocannon), variants interleaved over ROUNDS rounds so drift hits all of
 * them alike. Redis is a private redis-server, so its command counts are ours
 * alone. Prints median req/s, p99, server CPU µs per request, Redis round
 * trips per request (client-side count, checked against the server's
 * INFO commandstats), and the ratios kit / by hand.
 *
 * Run: pnpm exec tsx bench/rate-limit/run.ts   (ROUNDS=3 DURATION=4 CONNECTIONS=10 ONLY=<regex>)
 */
import { type ChildProcess, fork } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { Redis } from 'ioredis'
import { startThrowawayRedis } from '../../packages/test-utils/src/index.ts'

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const DURATION = Number(process.env.DURATION ?? 4)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10)
const ALL_VARIANTS = [
  'express bare',
  'express + express-rate-limit (memory)',
  'express + express-rate-limit + rate-limit-redis',
  'express + @kit/rate-limit (memory)',
  'express + @kit/rate-limit (redis)',
  'fastify bare',
  'fastify + @fastify/rate-limit (memory)',
  'fastify + @fastify/rate-limit (redis)',
  'fastify + @kit/rate-limit (memory)',
  'fastify + @kit/rate-limit (redis)',
]
// ONLY=redis (a substring or regex) runs a subset, e.g. while profiling one pair.
const VARIANTS = ALL_VARIANTS.filter((name) => new RegExp(process.env.ONLY ?? '.').test(name))
const PAIRS: [kit: string, hand: string][] = [
  ['express + @kit/rate-limit (memory)', 'express + express-rate-limit (memory)'],
  ['express + @kit/rate-limit (redis)', 'express + express-rate-limit + rate-limit-redis'],
  ['fastify + @kit/rate-limit (memory)', 'fastify + @fastify/rate-limit (memory)'],
  ['fastify + @kit/rate-limit (redis)', 'fastify + @fastify/rate-limit (redis)'],
]
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url))

interface Server {
  name: string
  child: ChildProcess
  port: number
}
interface Stats {
  cpu: NodeJS.CpuUsage
  commandsSent: number
}

const redisServer = await startThrowawayRedis()
const admin = new Redis(redisServer.url)

function start(name: string): Promise<Server> {
  const child = fork(serverFile, [name], {
    execArgv: ['--import', 'tsx', '--conditions=@kit/source'],
    env: { ...process.env, NODE_ENV: 'production', REDIS_URL: redisServer.url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s`)), 30_000)
    child.once('message', (m: { port: number }) => {
      clearTimeout(timer)
      resolve({ name, child, port: m.port })
    })
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
  })
}

function stats(server: Server): Promise<Stats> {
  return new Promise((resolve) => {
    server.child.once('message', (m: Stats) => resolve(m))
    server.child.send('stats')
  })
}

async function load(server: Server, seconds: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/hello`,
    connections: CONNECTIONS,
    duration: seconds,
  })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { requests: result.requests.total, rps: result.requests.average, p99: result.latency.p99 }
}

async function scriptCalls(): Promise<number> {
  // Top-level script calls only (commands run inside a script are listed too, under their own names).
  const info = await admin.info('commandstats')
  let calls = 0
  for (const m of info.matchAll(/^cmdstat_(evalsha|eval|script|evalsha_ro|eval_ro):calls=(\d+)/gm))
    calls += Number(m[2])
  return calls
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const servers: Server[] = []
const samples = new Map<
  string,
  { rps: number[]; cpu: number[]; p99: number[]; trips: number[]; scripts: number[] }
>()
try {
  for (const name of VARIANTS) servers.push(await start(name))
  for (const server of servers) await load(server, 1) // warm-up: JIT, Redis connection, script cache
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs first or last.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!)
    for (const server of order) {
      const before = await stats(server)
      await admin.config('RESETSTAT')
      const { requests, rps, p99 } = await load(server, DURATION)
      const scripts = await scriptCalls()
      const after = await stats(server)
      const cpu = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system)
      const s = samples.get(server.name) ?? { rps: [], cpu: [], p99: [], trips: [], scripts: [] }
      s.rps.push(rps)
      s.p99.push(p99)
      s.cpu.push(cpu / requests)
      s.trips.push((after.commandsSent - before.commandsSent) / requests)
      s.scripts.push(scripts / requests)
      samples.set(server.name, s)
      process.stderr.write('.')
    }
  }
} finally {
  for (const server of servers) server.child.kill()
  admin.disconnect()
  await redisServer.destroy()
}
process.stderr.write('\n')

const row = (name: string) => {
  const s = samples.get(name)!
  return {
    rps: median(s.rps),
    cpu: median(s.cpu),
    p99: median(s.p99),
    trips: median(s.trips),
    scripts: median(s.scripts),
  }
}
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, median of rounds.`,
  '',
  '| variant | req/s | p99 ms | server CPU µs/req | Redis round trips/req (client) | script calls/req (server) |',
  '|---|---:|---:|---:|---:|---:|',
  ...VARIANTS.map((name) => {
    const r = row(name)
    return `| ${name} | ${Math.round(r.rps)} | ${r.p99} | ${r.cpu.toFixed(1)} | ${r.trips.toFixed(3)} | ${r.scripts.toFixed(3)} |`
  }),
  '',
  '| kit vs by hand | req/s ratio | CPU/req ratio |',
  '|---|---:|---:|',
  ...PAIRS.filter((pair) => pair.every((name) => VARIANTS.includes(name))).map(([kit, hand]) => {
    const k = row(kit)
    const h = row(hand)
    return `| ${kit.replace(' + @kit/rate-limit', '')} | ${(k.rps / h.rps).toFixed(2)}× | ${(k.cpu / h.cpu).toFixed(2)}× |`
  }),
]
console.log(lines.join('\n'))
