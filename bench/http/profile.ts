/**
 * Where a variant's time goes: runs it under load, records a CPU profile of
 * the loaded seconds only (the inspector's profiler, the same data as
 * --cpu-prof without the start-up), and prints
 * the top self-time functions and the self time per package. The
 * profile stays in bench/results/profile-<variant>-<scenario>.cpuprofile.json
 * (load it in Chrome DevTools, Performance tab).
 *
 *   node bench/run.mjs profile '<variant name>' [get|post] [--duration 8] [--dist]
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
import { variantByName } from './variants/index.ts'

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    dist: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
  },
})
const [name = 'express kit defaults', which = 'get'] = positionals
const variant = variantByName(name)
if (!variant) throw new Error(`unknown variant ${JSON.stringify(name)}`)
const scenario = SCENARIO_NAMES.find((s) => s.toLowerCase().startsWith(which.toLowerCase()))!

{
  // Named *.json so the results/*.json ignore rule keeps profiles out of git; DevTools opens them as they are.
  const file = join(
    BENCH_DIR,
    'results',
    `profile-${name.replace(/[^a-z0-9]+/gi, '-')}-${which}.cpuprofile.json`,
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
  const server = await startServer(name, {
    dist: args.dist,
    env,
    execArgv: variant.needs?.sentry ? ['--import', '@kit/sentry/instrument'] : [],
  })
  let requests = 0
  try {
    await load(server.port, scenario, { duration: 1, connections: Number(args.connections) })
    await server.ask({ profile: 'start' })
    const result = await load(server.port, scenario, {
      duration: Number(args.duration),
      connections: Number(args.connections),
    })
    await server.ask({ profile: 'stop', file })
    requests = result.requests
    console.log(`${name}, ${scenario}: ${Math.round(result.rps)} req/s under the profiler`)
  } finally {
    await server.stop()
    await redis?.destroy()
    sink.close()
  }
  const { functions, packages, busyPerRequest } = analyse(file, Number(args.top), requests)
  const line = (h: { percent: number; perRequest: number | undefined; what: string }) =>
    `${h.percent.toFixed(1).padStart(6)}%  ${(h.perRequest ?? 0).toFixed(1).padStart(7)} µs/req  ${h.what}`
  console.log(`\n${file}\n${requests} requests; busy (not idle) ${busyPerRequest?.toFixed(0)} µs per request`)
  console.log('\nSelf time by package (% of the profiled time, idle included; µs per request):')
  for (const p of packages.slice(0, 20)) console.log(line(p))
  console.log('\nTop self-time functions:')
  for (const f of functions) console.log(line(f))
}
