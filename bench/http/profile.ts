/**
 * Where a variant's time goes: runs it under load, records a CPU profile of
 * the loaded seconds only (the inspector's profiler, the same data as
 * --cpu-prof without the start-up), and prints
 * the top self-time functions and the self time per package. The
 * profile stays in bench/results/profile-<variant>-<scenario>.cpuprofile.json
 * (load it in Chrome DevTools, Performance tab).
 *
 *   node bench/run.mjs profile '<variant name>' [get|post] [--duration 8] [--vs '<other variant>'] [--dist]
 *
 * With --vs, the other variant is profiled the same way and the self time
 * per package is printed side by side (µs per request).
 */

import { mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { analyse } from './cpu-profile.ts'
import { BENCH_DIR, load, startServer } from './harness.ts'
import { SCENARIO_NAMES } from './shared.ts'
import { preloadOf, variantByName } from './variants/index.ts'

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    dist: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
    vs: { type: 'string' },
  },
})
const [name = 'express kit defaults', which = 'get'] = positionals
const scenario = SCENARIO_NAMES.find((s) => s.toLowerCase().startsWith(which.toLowerCase()))!

/** Runs one variant under load with the profiler on; returns the profile file and the request count. */
async function profileVariant(variantName: string): Promise<{ file: string; requests: number }> {
  const variant = variantByName(variantName)
  if (!variant) throw new Error(`unknown variant ${JSON.stringify(variantName)}`)
  // Named *.json so the results/*.json ignore rule keeps profiles out of git; DevTools opens them as they are.
  const file = join(
    BENCH_DIR,
    'results',
    `profile-${variantName.replace(/[^a-z0-9]+/gi, '-')}-${which}.cpuprofile.json`,
  )
  mkdirSync(dirname(file), { recursive: true })
  let redis: ThrowawayRedis | undefined
  const env: NodeJS.ProcessEnv = {}
  const sink = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(200).end('{}'))
  })
  if (variant.needs?.redis) {
    redis = await startThrowawayRedis()
    env.REDIS_URL = redis.url
  }
  if (variant.needs?.sentry) {
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
    env.SENTRY_DSN = `http://public@127.0.0.1:${(sink.address() as AddressInfo).port}/1`
  }
  const server = await startServer(variantName, {
    dist: args.dist,
    env,
    execArgv: preloadOf(variant),
  })
  try {
    await load(server.port, scenario, { duration: 1, connections: Number(args.connections) })
    await server.ask({ profile: 'start' })
    const result = await load(server.port, scenario, {
      duration: Number(args.duration),
      connections: Number(args.connections),
    })
    await server.ask({ profile: 'stop', file })
    console.log(`${variantName}, ${scenario}: ${Math.round(result.rps)} req/s under the profiler`)
    return { file, requests: result.requests }
  } finally {
    await server.stop()
    await redis?.destroy()
    sink.close()
  }
}

const line = (h: { percent: number; perRequest: number | undefined; what: string }) =>
  `${h.percent.toFixed(1).padStart(6)}%  ${(h.perRequest ?? 0).toFixed(1).padStart(7)} µs/req  ${h.what}`

const main = await profileVariant(name)
const { functions, packages, groups, busyPerRequest } = analyse(main.file, Number(args.top), main.requests)
console.log(
  `\n${main.file}\n${main.requests} requests; busy (not idle) ${busyPerRequest?.toFixed(0)} µs per request`,
)
console.log("\nSelf time by whose code it is (% of the busy time; µs per request at this run's speed):")
for (const g of groups) console.log(line(g))
console.log('\nSelf time by package (% of the profiled time, idle included; µs per request):')
for (const p of packages.slice(0, 20)) console.log(line(p))
console.log('\nTop self-time functions:')
for (const f of functions) console.log(line(f))

if (args.vs) {
  // Side by side, per package: what the main variant spends per request that the other does not.
  const other = await profileVariant(args.vs)
  const a = analyse(main.file, 200, main.requests)
  const b = analyse(other.file, 200, other.requests)
  const perRequest = (list: { what: string; perRequest: number | undefined }[]) =>
    new Map(list.map((h) => [h.what, h.perRequest ?? 0]))
  const pa = perRequest(a.packages)
  const pb = perRequest(b.packages)
  const names = [...new Set([...pa.keys(), ...pb.keys()])].filter((n) => n !== '(idle)')
  names.sort((x, y) => Math.max(pa.get(y) ?? 0, pb.get(y) ?? 0) - Math.max(pa.get(x) ?? 0, pb.get(x) ?? 0))
  console.log(`\nµs per request by package (wall-clock samples, idle left out): ${name} vs ${args.vs}`)
  console.log(
    `${'busy'.padEnd(28)} ${a.busyPerRequest!.toFixed(1).padStart(8)} ${b.busyPerRequest!.toFixed(1).padStart(8)}`,
  )
  for (const n of names.slice(0, 25)) {
    const x = pa.get(n) ?? 0
    const y = pb.get(n) ?? 0
    console.log(
      `${n.padEnd(28)} ${x.toFixed(1).padStart(8)} ${y.toFixed(1).padStart(8)} ${(x - y >= 0 ? '+' : '') + (x - y).toFixed(1)}`,
    )
  }
}
