/**
 * Which allocations outlive a scavenge, per request: each server takes a
 * warm-up, then V8's sampling heap profiler runs over --requests requests
 * keeping only objects that survived at least one young-generation GC (what
 * scavenges collected is left out; what mark-compacts collected is kept).
 * Those objects are what makes a scavenge slow and the old generation grow,
 * so bytes per request here are the GC cost a request leaves behind.
 * Printed: the total per request and the top allocation sites (function,
 * file:line) with their bytes per request, per variant.
 *
 *   node bench/run.mjs survivors '<variant>' ['<variant>' ...] [--requests 20000] [--top 15] [--dist] [--base <checkout>]
 */
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { fire, ROOT_DIR, type RunningServer, startServer } from './harness.ts'
import { preloadOf, variantsFromLabels } from './variants/index.ts'

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: 'string', default: '20000' },
    top: { type: 'string', default: '15' },
    dist: { type: 'boolean', default: false },
    base: { type: 'string' },
    // Writes each server's --trace-gc lines (V8 prints them on stdout) to <prefix>-<n>.log.
    'trace-gc': { type: 'string' },
  },
})

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  id: number
  children: ProfileNode[]
}
interface HeapProfile {
  head: ProfileNode
  samples: { size: number; nodeId: number }[]
}

async function drive(port: number, amount: number): Promise<number> {
  const result = await fire(port, 'GET /hello', { connections: 10, amount })
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.total
}

/** Bytes by allocation site (the function that allocated, then its caller chain's first kit/express frame). */
function bySite(profile: HeapProfile): Map<string, number> {
  const sizes = new Map<number, number>()
  for (const s of profile.samples) sizes.set(s.nodeId, (sizes.get(s.nodeId) ?? 0) + s.size)
  const out = new Map<string, number>()
  const walk = (node: ProfileNode, stack: string[]): void => {
    const f = node.callFrame
    const where = f.url ? `${relative(ROOT_DIR, f.url.replace('file://', ''))}:${f.lineNumber + 1}` : ''
    const frame = `${f.functionName || '(anonymous)'} ${where}`.trim()
    const here = [...stack, frame]
    const bytes = sizes.get(node.id) ?? 0
    if (bytes > 0) {
      // The allocating frame and its two callers: enough to tell whose code asked for it.
      const key = here.slice(-3).reverse().join(' < ')
      out.set(key, (out.get(key) ?? 0) + bytes)
    }
    for (const child of node.children) walk(child, here)
  }
  walk(profile.head, [])
  return out
}

const servers: RunningServer[] = []
let redis: ThrowawayRedis | undefined
try {
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
      execArgv: [...preloadOf(v), ...(args['trace-gc'] ? ['--trace-gc'] : [])],
      benchDir: v.benchDir,
      // sh keeps the IPC channel (fd 3) and sends node's stdout to the log file.
      wrapper: args['trace-gc']
        ? ['/bin/sh', '-c', `exec "$0" "$@" > ${args['trace-gc']}-${servers.length + 1}.log`]
        : undefined,
    })
    servers.push({ ...server, name: v.label })
    await drive(server.port, 5_000)
    const file = join(tmpdir(), `survivors-${process.pid}-${servers.length}.json`)
    await server.ask({ heap: 'start', minor: false })
    const done = await drive(server.port, Number(args.requests))
    await server.ask({ heap: 'stop', file })
    const profile = JSON.parse(readFileSync(file, 'utf8')) as HeapProfile
    rmSync(file)
    const sites = bySite(profile)
    const total = [...sites.values()].reduce((a, b) => a + b, 0)
    process.stdout.write(
      `\n${v.label}: ${(total / done).toFixed(0)} B/request outlived a scavenge (${done} requests)\n`,
    )
    for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
      process.stdout.write(`${(bytes / done).toFixed(0).padStart(7)}  ${site}\n`)
    }
    await server.stop()
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()))
  await redis?.destroy()
}
