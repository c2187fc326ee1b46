/**
 * GET /hello with and without @kit/metrics on Express and Fastify (and
 * prom-client wired by hand, for scale). Each server in its own process, load
 * from this one (autocannon), variants interleaved and rotated over ROUNDS
 * rounds so drift hits all of them alike. Prints the median req/s, p99 and
 * server CPU µs per request, and the ratios with / without.
 *
 * Run: node --import tsx bench/metrics/run.ts   (ROUNDS=5 DURATION=5 CONNECTIONS=10 ONLY=<regex>)
 */
import { type ChildProcess, fork } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROUNDS = Number(process.env.ROUNDS ?? 5)
const DURATION = Number(process.env.DURATION ?? 5)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10)
const ALL_VARIANTS = [
  'express bare',
  'express + @kit/metrics',
  'express + prom-client by hand',
  'fastify bare',
  'fastify + @kit/metrics',
  'fastify + prom-client by hand',
]
const VARIANTS = ALL_VARIANTS.filter((name) => new RegExp(process.env.ONLY ?? '.').test(name))
const PAIRS: [with_: string, without: string][] = [
  ['express + @kit/metrics', 'express bare'],
  ['express + prom-client by hand', 'express bare'],
  ['fastify + @kit/metrics', 'fastify bare'],
  ['fastify + prom-client by hand', 'fastify bare'],
]
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url))

interface Server {
  name: string
  child: ChildProcess
  port: number
}

function start(name: string): Promise<Server> {
  const child = fork(serverFile, [name], {
    execArgv: ['--import', 'tsx', '--conditions=@kit/source'],
    env: { ...process.env, NODE_ENV: 'production' },
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

function cpuMicros(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu.user + m.cpu.system))
    server.child.send('cpu')
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const servers: Server[] = []
const samples = new Map<string, { rps: number[]; cpu: number[]; p99: number[] }>()
try {
  for (const name of VARIANTS) servers.push(await start(name))
  for (const server of servers) await load(server, 1) // warm-up: JIT
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs first or last.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!)
    for (const server of order) {
      const before = await cpuMicros(server)
      const { requests, rps, p99 } = await load(server, DURATION)
      const after = await cpuMicros(server)
      const s = samples.get(server.name) ?? { rps: [], cpu: [], p99: [] }
      s.rps.push(rps)
      s.p99.push(p99)
      s.cpu.push((after - before) / requests)
      samples.set(server.name, s)
      process.stderr.write('.')
    }
  }
} finally {
  for (const server of servers) server.child.kill()
}
process.stderr.write('\n')

const row = (name: string) => {
  const s = samples.get(name)!
  return { rps: median(s.rps), cpu: median(s.cpu), p99: median(s.p99) }
}
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, median of rounds.`,
  '',
  '| variant | req/s | p99 ms | server CPU µs/req |',
  '|---|---:|---:|---:|',
  ...VARIANTS.map((name) => {
    const r = row(name)
    return `| ${name} | ${Math.round(r.rps)} | ${r.p99} | ${r.cpu.toFixed(1)} |`
  }),
  '',
  '| with vs without | req/s ratio | CPU/req ratio |',
  '|---|---:|---:|',
  ...PAIRS.filter((pair) => pair.every((name) => VARIANTS.includes(name))).map(([with_, without]) => {
    const w = row(with_)
    const o = row(without)
    return `| ${with_} | ${(w.rps / o.rps).toFixed(3)}× | ${(w.cpu / o.cpu).toFixed(3)}× |`
  }),
]
console.log(lines.join('\n'))
