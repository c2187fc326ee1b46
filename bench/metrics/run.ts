/**
 * GET /hello with and without @kit/metrics on Express and Fastify; with an
 * empty middleware / onRequest hook (the floor of anything that hooks every
 * request) and prom-client wired by hand (its README's labelled counter and
 * histogram), for scale. Each server runs in its own process; load comes from this one
 * (autocannon). The variants of one framework run back to back in short,
 * rotated rounds, and each round yields its own ratios: on a shared machine
 * the load drifts over minutes, and a ratio of two runs seconds apart is far
 * steadier than a ratio of two medians. Prints the median req/s, p99 and
 * server CPU µs per request (process.cpuUsage() over IPC), and the median
 * (min–max) of the per-round ratios.
 *
 * Run: node --import tsx bench/metrics/run.ts   (ROUNDS=10 DURATION=3 CONNECTIONS=10 ONLY=<regex>;
 * DIAGNOSE=1 compares the full set-up with the request path alone)
 */
import { type ChildProcess, fork } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROUNDS = Number(process.env.ROUNDS ?? 10)
const DURATION = Number(process.env.DURATION ?? 3)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10)
/** Each group: the baseline first, then what is compared with it. */
const GROUPS = (
  process.env.GROUP
    ? [process.env.GROUP.split('|')]
    : process.env.DIAGNOSE
      ? [
          ['express bare', 'express + @kit/metrics', 'express + @kit/metrics (requests only)'],
          ['fastify bare', 'fastify + @kit/metrics', 'fastify + @kit/metrics (requests only)'],
        ]
      : [
          [
            'express bare',
            'express + empty middleware',
            'express + @kit/metrics',
            'express + prom-client by hand',
          ],
          [
            'fastify bare',
            'fastify + empty onRequest hook',
            'fastify + @kit/metrics',
            'fastify + prom-client by hand',
          ],
        ]
).filter((group) => group.some((name) => new RegExp(process.env.ONLY ?? '.').test(name)))
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

interface Sample {
  rps: number
  p99: number
  cpu: number
}

const servers = new Map<string, Server>()
const samples = new Map<string, Sample[]>()
/** Per round: variant → its ratio to the baseline of the same round. */
const ratios = new Map<string, { rps: number[]; cpu: number[] }>()
const loadBefore = loadavg()[0]!
try {
  for (const name of GROUPS.flat()) servers.set(name, await start(name))
  for (const server of servers.values()) await load(server, 1) // warm-up: JIT
  for (const group of GROUPS) {
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no variant always runs first or last.
      const order = group.map((_, i) => group[(i + round) % group.length]!)
      const round_ = new Map<string, Sample>()
      for (const name of order) {
        const server = servers.get(name)!
        const before = await cpuMicros(server)
        const { requests, rps, p99 } = await load(server, DURATION)
        const after = await cpuMicros(server)
        const sample = { rps, p99, cpu: (after - before) / requests }
        round_.set(name, sample)
        samples.set(name, [...(samples.get(name) ?? []), sample])
        process.stderr.write('.')
      }
      const baseline = round_.get(group[0]!)!
      for (const name of group.slice(1)) {
        const r = ratios.get(name) ?? { rps: [], cpu: [] }
        r.rps.push(round_.get(name)!.rps / baseline.rps)
        r.cpu.push(round_.get(name)!.cpu / baseline.cpu)
        ratios.set(name, r)
      }
    }
  }
} finally {
  for (const server of servers.values()) server.child.kill()
}
process.stderr.write('\n')

const fmt = (values: number[]) =>
  `${median(values).toFixed(3)}× (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; ${ROUNDS} rounds × ${DURATION} s per variant, ${CONNECTIONS} connections.`,
  '',
  '| variant | req/s (median) | p99 ms | server CPU µs/req |',
  '|---|---:|---:|---:|',
  ...GROUPS.flat().map((name) => {
    const s = samples.get(name)!
    return `| ${name} | ${Math.round(median(s.map((x) => x.rps)))} | ${median(s.map((x) => x.p99))} | ${median(s.map((x) => x.cpu)).toFixed(1)} |`
  }),
  '',
  '| vs the bare framework, same round | req/s ratio, median (min–max) | CPU/req ratio, median (min–max) |',
  '|---|---:|---:|',
  ...[...ratios].map(([name, r]) => `| ${name} | ${fmt(r.rps)} | ${fmt(r.cpu)} |`),
]
console.log(lines.join('\n'))
