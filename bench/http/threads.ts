/**
 * Where a variant's CPU goes, thread by thread: each server runs a fixed
 * number of requests and the CPU time of every thread of its process
 * (/proc/<pid>/task/<tid>/stat, utime + stime) is read before and after, so
 * work off the main thread (V8's GC helpers, libuv's pool, worker threads)
 * shows up under its own name. With Redis, the commands the server sent per
 * request are counted too (INFO commandstats). Variants are interleaved over
 * --rounds rounds; the median per thread group is printed.
 *
 * A variant written `base:<variant>` runs from the checkout given by
 * --base (its bench/ and packages), so two trees compare in one run.
 *
 *   node bench/run.mjs threads '<variant>' ['<variant>' ...] [--base /path/to/other/checkout] [--requests 20000] [--rounds 3] [--connections 10] [--scenario get|post] [--node-flags='--single-threaded-gc'] [--timeout 600]
 *
 * Linux only (reads /proc). Every server and the throwaway Redis are stopped
 * at the end, and the whole run is killed after --timeout seconds.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { fire, median, type RunningServer, startServer } from './harness.ts'
import { SCENARIO_NAMES } from './shared.ts'
import { preloadOf, variantsFromLabels } from './variants/index.ts'

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    scenario: { type: 'string', default: 'get' },
    timeout: { type: 'string', default: '600' },
    dist: { type: 'boolean', default: false },
    // Extra Node/V8 flags for every server, e.g. --node-flags=--single-threaded-gc (GC on the main thread).
    'node-flags': { type: 'string', default: '' },
    base: { type: 'string' },
  },
})
const REQUESTS = Number(args.requests)
const ROUNDS = Number(args.rounds)
const scenario = SCENARIO_NAMES.find((s) => s.toLowerCase().startsWith(args.scenario!.toLowerCase()))!
// Clock ticks per second of /proc's utime/stime: 100 on every Linux this runs on (getconf CLK_TCK).
const TICK_MICROS = 10_000

const servers: RunningServer[] = []
let redis: ThrowawayRedis | undefined
let stopping = false
async function stopAll(): Promise<void> {
  if (stopping) return
  stopping = true
  await Promise.all(servers.map((s) => s.stop()))
  await redis?.destroy()
}
// Bounded: a stuck server or load never keeps this run (or its children) alive.
const deadline = setTimeout(() => {
  process.stderr.write(`threads: over --timeout ${args.timeout} s, stopping everything\n`)
  for (const s of servers) s.child.kill('SIGKILL')
  void redis?.destroy().finally(() => process.exit(1))
  setTimeout(() => process.exit(1), 5_000).unref()
}, Number(args.timeout) * 1000)

/**
 * CPU µs of each thread of a process, by tid. Node 20 names every thread
 * 'node', so a thread is named by its rank in creation order as well:
 * 'main', then V8's platform workers (GC helpers, compilers) 'node#1'..,
 * then whatever started later (libuv's pool, worker threads).
 */
function threadTimes(pid: number): Map<number, { name: string; micros: number }> {
  const out = new Map<number, { name: string; micros: number }>()
  const tids = readdirSync(`/proc/${pid}/task`)
    .map(Number)
    .sort((a, b) => a - b)
  for (const [rank, tid] of tids.entries()) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      // The name is in parentheses and may hold spaces: the fields after the last ')' are fixed.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // Fields 14 and 15 of stat(5) (utime, stime) are 12 and 13 after the state field.
      const ticks = Number(fields[11]) + Number(fields[12])
      out.set(tid, { name: tid === pid ? 'main' : `${name}#${rank}`, micros: ticks * TICK_MICROS })
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return out
}

/** µs per thread group (threads of the same name summed) between two snapshots. */
function delta(
  before: Map<number, { name: string; micros: number }>,
  after: Map<number, { name: string; micros: number }>,
): Map<string, number> {
  const groups = new Map<string, number>()
  for (const [tid, a] of after) {
    const spent = a.micros - (before.get(tid)?.micros ?? 0)
    groups.set(a.name, (groups.get(a.name) ?? 0) + spent)
  }
  return groups
}

/** Calls per Redis command so far (INFO commandstats), INFO itself left out. */
async function redisCalls(): Promise<Map<string, number>> {
  const calls = new Map<string, number>()
  if (!redis) return calls
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  try {
    const info = (await client.info('commandstats')) as string
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (m[1] !== 'info') calls.set(m[1]!, Number(m[2]))
    }
  } finally {
    client.disconnect()
  }
  return calls
}

async function drive(port: number, amount: number): Promise<number> {
  const result = await fire(port, scenario, { connections: Number(args.connections), amount })
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.total
}

try {
  if (positionals.length === 0) throw new Error('name at least one variant (bench/http/variants/index.ts)')
  const variants = variantsFromLabels(positionals, args.base)
  const env: NodeJS.ProcessEnv = {}
  if (variants.some((v) => v.needs?.redis)) {
    redis = await startThrowawayRedis()
    env.REDIS_URL = redis.url
  }
  for (const v of variants) {
    const server = await startServer(v.name, {
      dist: args.dist,
      env,
      execArgv: [...preloadOf(v), ...args['node-flags']!.split(' ').filter(Boolean)],
      benchDir: v.benchDir,
    })
    servers.push({ ...server, name: v.label })
  }
  for (const s of servers) await drive(s.port, Math.min(5_000, REQUESTS))
  const samples = new Map<
    string,
    { threads: Map<string, number>[]; redis: number[]; process: number[]; gc: number[][]; heap: number[] }
  >()
  for (let round = 0; round < ROUNDS; round++) {
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!)
    for (const s of order) {
      const pid = s.child.pid!
      const callsBefore = await redisCalls()
      await s.ask({ gc: 'start' })
      const cpuBefore = await s.stats()
      const before = threadTimes(pid)
      const done = await drive(s.port, REQUESTS)
      const after = threadTimes(pid)
      const cpuAfter = await s.stats()
      const callsAfter = await redisCalls()
      const gc = (await s.ask({ gc: 'stop' })) as {
        gcs: Record<string, { count: number; ms: number }>
        heapUsed: number
      }
      let calls = 0
      const byCommand: string[] = []
      for (const [name, n] of callsAfter) {
        const sent = n - (callsBefore.get(name) ?? 0)
        calls += sent
        if (sent > 0) byCommand.push(`${name} ${(sent / done).toFixed(2)}`)
      }
      const perRequest = new Map([...delta(before, after)].map(([k, v]) => [k, v / done]))
      const entry = samples.get(s.name) ?? { threads: [], redis: [], process: [], gc: [], heap: [] }
      const perK = (kind: string) => ((gc.gcs[kind]?.count ?? 0) * 1000) / done
      const pauseMicros = Object.values(gc.gcs).reduce((sum, k) => sum + k.ms, 0) * 1000
      entry.gc.push([perK('minor'), perK('major') + perK('incremental'), pauseMicros / done])
      entry.heap.push(gc.heapUsed / 1e6)
      entry.threads.push(perRequest)
      entry.redis.push(calls / done)
      entry.process.push((cpuAfter.cpuMicros - cpuBefore.cpuMicros) / done)
      samples.set(s.name, entry)
      process.stderr.write(
        `round ${round + 1}/${ROUNDS} ${s.name}: ${done} requests; GC ${Object.entries(gc.gcs)
          .map(([kind, k]) => `${kind} ${k.count}x ${k.ms.toFixed(0)} ms`)
          .join(
            ', ',
          )}${byCommand.length ? `; Redis per request (commands run by scripts included): ${byCommand.join(', ')}` : ''}\n`,
      )
    }
  }
  // Median per thread group, groups that cost under 0.5 µs/request in every variant left out.
  const groups = new Set<string>()
  for (const { threads } of samples.values()) for (const t of threads) for (const k of t.keys()) groups.add(k)
  const med = (name: string, group: string) =>
    median(samples.get(name)!.threads.map((t) => t.get(group) ?? 0))
  const shown = [...groups].filter((g) => [...samples.keys()].some((n) => med(n, g) >= 0.5))
  console.log(`\nCPU µs per request by thread, ${scenario}, ${REQUESTS} requests x ${ROUNDS} rounds (median)`)
  console.log(
    [
      'variant'.padEnd(52),
      ...shown.map((g) => g.padStart(9)),
      'process'.padStart(9),
      'redis cmds/req'.padStart(15),
      'minor GC/1k'.padStart(12),
      'major GC/1k'.padStart(12),
      'GC pause µs/req'.padStart(16),
      'heap MB'.padStart(8),
    ].join(''),
  )
  for (const [name, s] of samples) {
    console.log(
      [
        name.padEnd(52),
        ...shown.map((g) => med(name, g).toFixed(1).padStart(9)),
        median(s.process).toFixed(1).padStart(9),
        median(s.redis).toFixed(2).padStart(15),
        ...[0, 1, 2].map((i) =>
          median(s.gc.map((g) => g[i]!))
            .toFixed(2)
            .padStart(i === 2 ? 16 : 12),
        ),
        median(s.heap).toFixed(1).padStart(8),
      ].join(''),
    )
  }
} finally {
  await stopAll()
  clearTimeout(deadline)
}
