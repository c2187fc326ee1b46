/**
 * Instructions per request, counted by valgrind's callgrind: deterministic
 * where req/s and CPU time on a busy shared machine are not, so an A/B of
 * two commits needs no interleaving (run it on each and compare).
 *
 *   node bench/run.mjs instructions [--only <regex>] [--scenario get|post] [--warmup 3000] [--requests 2000] [--dist] [--keep]
 *
 * Each variant's server starts under `valgrind --tool=callgrind
 * --instr-atstart=no` (start-up is not counted), takes `--warmup` requests
 * uninstrumented (the JIT settles), then `callgrind_control` switches
 * counting on, zeroes it, `--requests` requests run (autocannon, 10
 * connections), and a dump gives the total. Every thread of the process is
 * counted (valgrind runs them one at a time): the JIT compiler and the GC
 * are in the total, as they are in the process's CPU time.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fire, startServer } from './harness.ts'
import type { ScenarioName } from './shared.ts'
import { VARIANTS } from './variants/index.ts'

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: '^express (bare|README-style|kit defaults)$' },
    scenario: { type: 'string', default: 'get' },
    warmup: { type: 'string', default: '3000' },
    requests: { type: 'string', default: '2000' },
    dist: { type: 'boolean', default: false },
    /** Keep each callgrind dump (its path is printed) for callgrind_annotate. */
    keep: { type: 'boolean', default: false },
  },
})
const scenario: ScenarioName = args.scenario === 'post' ? 'POST /echo' : 'GET /hello'
const WARMUP = Number(args.warmup)
const REQUESTS = Number(args.requests)
const only = new RegExp(args.only)
const variants = VARIANTS.filter((v) => only.test(v.name) && !v.needs?.redis && !v.needs?.sentry)
if (variants.length === 0)
  throw new Error(`no variant matches ${only} (Redis and Sentry variants are left out)`)

async function send(port: number, amount: number): Promise<void> {
  const result = await fire(port, scenario, { connections: 1, amount, timeout: 120 })
  const failed = result.non2xx + result.errors + result.timeouts
  // A keep-alive connection closed by a slowed-down server costs a reconnect, not a wrong count: say so, go on.
  if (failed > 0)
    console.warn(
      `${failed} of ${amount} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
    )
}

function control(pid: number, ...flags: string[]): void {
  execFileSync('callgrind_control', [...flags, String(pid)], { stdio: 'ignore', timeout: 300_000 })
}

async function count(name: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-callgrind-'))
  let server: Awaited<ReturnType<typeof startServer>> | undefined
  try {
    server = await startServer(name, {
      dist: args.dist,
      wrapper: [
        'valgrind',
        '-q',
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${join(dir, 'out.%p')}`,
      ],
      startTimeoutMs: 600_000,
    })
    const pid = server.child.pid!
    await send(server.port, WARMUP)
    control(pid, '--instr=on')
    control(pid, '--zero')
    await send(server.port, REQUESTS)
    control(pid, '--dump=measured')
    control(pid, '--instr=off')
    const dump = readdirSync(dir).find((f) => f.endsWith('.1'))
    if (!dump) throw new Error(`no callgrind dump in ${dir}`)
    const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, dump), 'utf8'))
    if (!totals) throw new Error(`no totals line in ${dump}`)
    if (args.keep) console.log(`${name}: ${join(dir, dump)}`)
    return Number(totals[1]) / REQUESTS
  } finally {
    server?.child.kill('SIGKILL')
    if (!args.keep) rmSync(dir, { recursive: true, force: true })
  }
}

console.log(
  `${scenario}: instructions per request (callgrind), ${WARMUP} warm-up + ${REQUESTS} counted requests`,
)
const results: Array<{ name: string; perRequest: number }> = []
for (const variant of variants) {
  const perRequest = await count(variant.name)
  results.push({ name: variant.name, perRequest })
  console.log(`${variant.name.padEnd(40)} ${Math.round(perRequest).toLocaleString('en').padStart(12)}`)
}
const base = results.find((r) => /bare$/.test(r.name))
const readme = results.find((r) => /README-style$/.test(r.name))
for (const r of results) {
  const vsBare = base ? (base.perRequest / r.perRequest).toFixed(2) : '-'
  const vsReadme = readme ? (readme.perRequest / r.perRequest).toFixed(2) : '-'
  console.log(`${r.name.padEnd(40)} bare/this ${vsBare}  README-style/this ${vsReadme}`)
}
