/**
 * GET /hello on each logging variant, each server in its own process, load
 * from this one (autocannon), variants interleaved over ROUNDS rounds so
 * drift hits all of them alike. Prints median req/s and server CPU µs per
 * request, with ratios. Run: pnpm exec tsx bench/logging/run.ts
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const DURATION = Number(process.env.DURATION ?? 3)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10)
const VARIANT_NAMES = [
  'express bare',
  'express + pino-http',
  'express + @kit/logger',
  'fastify bare',
  'fastify + own logger',
  'fastify + @kit/logger',
  'fastify + @kit/logger plugin only',
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
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 20 s`)), 20_000)
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
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const servers = await Promise.all(VARIANT_NAMES.map(start))
const samples = new Map<string, { rps: number[]; cpu: number[]; p99: number[] }>()
try {
  for (const server of servers) await load(server, 1) // warm-up: JIT, connection pools
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs first or last.
    const order = servers.map((_, i) => servers[(i + round) % servers.length] as Server)
    for (const server of order) {
      const before = await cpuMicros(server)
      const result = await load(server, DURATION)
      const used = (await cpuMicros(server)) - before
      const entry = samples.get(server.name) ?? { rps: [], cpu: [], p99: [] }
      entry.rps.push(result.rps)
      entry.cpu.push(used / result.requests)
      entry.p99.push(result.p99)
      samples.set(server.name, entry)
      process.stderr.write(`round ${round + 1} ${server.name}: ${Math.round(result.rps)} req/s\n`)
    }
  }
} finally {
  for (const server of servers) server.child.send('exit')
}

const rows = VARIANT_NAMES.map((name) => {
  const s = samples.get(name) as { rps: number[]; cpu: number[]; p99: number[] }
  return { name, rps: median(s.rps), cpu: median(s.cpu), p99: median(s.p99) }
})
const byName = new Map(rows.map((r) => [r.name, r]))
const baseline = (name: string) => (name.startsWith('express') ? 'express' : 'fastify')
console.log(
  `\nGET /hello, ${ROUNDS} rounds x ${DURATION} s, ${CONNECTIONS} connections, Node ${process.version}\n`,
)
console.log('| variant | req/s (median) | vs bare | vs hand-wired logger | CPU µs/req | p99 ms |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const row of rows) {
  const bare = byName.get(`${baseline(row.name)} bare`)?.rps ?? row.rps
  const hand =
    byName.get(baseline(row.name) === 'express' ? 'express + pino-http' : 'fastify + own logger')?.rps ??
    row.rps
  console.log(
    `| ${row.name} | ${Math.round(row.rps)} | ${(row.rps / bare).toFixed(2)} | ${(row.rps / hand).toFixed(2)} | ${row.cpu.toFixed(1)} | ${row.p99} |`,
  )
}
