/**
 * Where a variant's CPU goes under load: runs one server of server.ts with
 * --cpu-prof, loads GET /hello with autocannon, and prints the share of the
 * server's busy time spent in @kit/metrics' own code (and prom-client), with
 * its top functions. A share of samples in one process is far steadier on a
 * shared machine than a throughput ratio between processes.
 * Run: node --import tsx bench/metrics/profile.ts 'fastify + @kit/metrics'   (DURATION=8)
 */
import { fork } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const name = process.argv[2] ?? 'express + @kit/metrics'
const dir = join(tmpdir(), `kit-metrics-profile-${process.pid}`)
const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [name], {
  execArgv: ['--import', 'tsx', '--conditions=@kit/source', '--cpu-prof', `--cpu-prof-dir=${dir}`],
  env: { ...process.env, NODE_ENV: 'production' },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const port = await new Promise<number>((resolve) =>
  child.once('message', (m: { port: number }) => resolve(m.port)),
)
const url = `http://127.0.0.1:${port}/hello`
await autocannon({ url, connections: 10, duration: 2 }) // warm-up: JIT
const result = await autocannon({ url, connections: 10, duration: Number(process.env.DURATION ?? 8) })
child.send('exit')
await new Promise((resolve) => child.once('exit', resolve))

const file = join(dir, readdirSync(dir)[0]!)
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[]
  samples: number[]
  timeDeltas: number[]
}
rmSync(dir, { recursive: true, force: true })
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const selfTime = new Map<string, number>()
let busy = 0
let ours = 0
profile.samples.forEach((id, i) => {
  const { functionName, url: source } = nodes.get(id)!.callFrame
  const micros = profile.timeDeltas[i] ?? 0
  if (functionName === '(idle)') return
  busy += micros
  if (!source.includes('packages/metrics/') && !source.includes('prom-client')) return
  ours += micros
  const key = `${functionName || '(anonymous)'} ${source.split('/').slice(-2).join('/')}`
  selfTime.set(key, (selfTime.get(key) ?? 0) + micros)
})
console.log(
  `${name}: ${Math.round(result.requests.average)} req/s while profiled (the profiler slows it down)`,
)
console.log(
  `busy ${(busy / 1000).toFixed(0)} ms, of which @kit/metrics + prom-client ${(ours / 1000).toFixed(0)} ms = ${((ours / busy) * 100).toFixed(2)} %`,
)
for (const [key, micros] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`  ${((micros / busy) * 100).toFixed(2).padStart(5)} %  ${key}`)
}
