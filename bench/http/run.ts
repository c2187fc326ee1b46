/**
 * Throughput, p99 and server CPU per request for every HTTP variant, GET
 * /hello and a small JSON POST. Each server runs in its own process; this
 * process drives them one at a time with autocannon (fixed connections and
 * duration), variants interleaved and rotated over --rounds rounds so drift
 * on a shared machine hits all of them alike. Ratios are computed per round,
 * then the median is taken.
 *
 *   node bench/run.mjs http [--duration 3] [--rounds 3] [--connections 10] [--only <regex>] [--scenario get|post] [--dist] [--no-write]
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { startThrowawayRedis, type ThrowawayRedis } from '@kit/test-utils'
import { ensureBuilt, type LoadResult, load, median, type RunningServer, startServer } from './harness.ts'
import { loadAverage, machineLine, saveJson, table, writeSection } from './report.ts'
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName } from './shared.ts'
import {
  ISSUE21_VARIANTS,
  preloadOf,
  type Role,
  SENTRY_VARIANTS,
  VARIANTS,
  type VariantInfo,
} from './variants/index.ts'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    only: { type: 'string' },
    suite: { type: 'string' },
    scenario: { type: 'string' },
    dist: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
})
const DURATION = Number(args.duration)
const ROUNDS = Number(args.rounds)
const CONNECTIONS = Number(args.connections)
const WARMUP = Number(args.warmup)
// `--suite sentry` / `--suite issue21` (node bench/run.mjs sentry | issue21): those issues' variants only, each in its own section.
const SUITES = { sentry: 'http-sentry', issue21: 'http-issue21' } as const
const SUITE: string = SUITES[args.suite as keyof typeof SUITES] ?? 'http'
const pool =
  SUITE === 'http-sentry' ? SENTRY_VARIANTS : SUITE === 'http-issue21' ? ISSUE21_VARIANTS : VARIANTS
const selected = pool.filter((v) => !args.only || new RegExp(args.only, 'i').test(v.name))
const scenarios = SCENARIO_NAMES.filter((s) => !args.scenario || s.toLowerCase().includes(args.scenario))
const startedAt = new Date()
const loadAtStart = loadAverage()

interface Sample extends LoadResult {
  round: number
  cpuPerRequest: number
}
type Samples = Map<string, Sample[]>

// --- services the "everything on" variants use -------------------------------------------
let redis: ThrowawayRedis | undefined
let sentrySink: Server | undefined
let envelopes = 0
async function startServices(variants: readonly VariantInfo[]): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {}
  if (variants.some((v) => v.needs?.redis)) {
    redis = await startThrowawayRedis()
    env.REDIS_URL = redis.url
  }
  if (variants.some((v) => v.needs?.sentry)) {
    // A Sentry stand-in: accepts envelopes, answers 200, counts them (none are expected: no request fails).
    sentrySink = createServer((req, res) => {
      envelopes++
      req.resume()
      req.on('end', () => res.writeHead(200).end('{}'))
    })
    await new Promise<void>((resolve) => sentrySink!.listen(0, '127.0.0.1', resolve))
    env.SENTRY_DSN = `http://public@127.0.0.1:${(sentrySink.address() as AddressInfo).port}/1`
    env.no_proxy = '127.0.0.1'
  }
  return env
}

async function startAll(variants: readonly VariantInfo[], env: NodeJS.ProcessEnv): Promise<RunningServer[]> {
  const servers: RunningServer[] = []
  // Three at a time: all at once times out on a loaded 2-core machine.
  for (let i = 0; i < variants.length; i += 3) {
    const batch = variants.slice(i, i + 3)
    servers.push(
      ...(await Promise.all(
        batch.map((v) =>
          startServer(v.name, {
            dist: args.dist,
            env: v.needs ? env : {},
            execArgv: preloadOf(v),
          }),
        ),
      )),
    )
    process.stderr.write(`started ${servers.length}/${variants.length}\n`)
  }
  return servers
}

/** What each variant answers, so the table shows equal work (status, header count, body). */
async function describe(server: RunningServer, scenario: ScenarioName): Promise<string> {
  const { method, path, headers, ...rest } = SCENARIOS[scenario]
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers,
    ...('body' in rest ? { body: rest.body } : {}),
  })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`${server.name} answered ${scenario} with ${res.status}: ${body}`)
  return `${[...res.headers.keys()].length} headers`
}

async function measure(servers: RunningServer[], scenario: ScenarioName, samples: Samples): Promise<void> {
  const options = { duration: DURATION, connections: CONNECTIONS }
  for (const server of servers) await load(server.port, scenario, { ...options, duration: WARMUP })
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs first or last.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!)
    for (const server of order) {
      const before = await server.stats()
      const result = await load(server.port, scenario, options)
      const after = await server.stats()
      const list = samples.get(server.name) ?? []
      list.push({ ...result, round, cpuPerRequest: (after.cpuMicros - before.cpuMicros) / result.requests })
      samples.set(server.name, list)
      process.stderr.write(
        `${scenario} round ${round + 1}/${ROUNDS} ${server.name}: ${Math.round(result.rps)} req/s${result.non2xx || result.errors ? ` (${result.non2xx} non-2xx, ${result.errors} errors)` : ''}\n`,
      )
    }
  }
}

// --- ratios ---------------------------------------------------------------------------------
function find(framework: string, role: Role): VariantInfo | undefined {
  return selected.find((v) => v.framework === framework && v.role === role)
}

/** Median over rounds of (a's req/s ÷ b's req/s in the same round). */
function roundRatio(samples: Samples, a: string, b: string, metric: 'rps' | 'cpu' = 'rps'): number {
  const as = samples.get(a) ?? []
  const bs = samples.get(b) ?? []
  const ratios: number[] = []
  for (const s of as) {
    const t = bs.find((x) => x.round === s.round)
    if (!t) continue
    // CPU: a smaller cost is better, so the ratio is b/a (> 1 means a is cheaper).
    ratios.push(metric === 'rps' ? s.rps / t.rps : t.cpuPerRequest / s.cpuPerRequest)
  }
  return median(ratios)
}

interface Target {
  of: Role
  against: Role
  /** The minimum ratio, or one per framework. */
  min: number | { express: number; fastify: number }
  label: string
  metric?: 'rps' | 'cpu'
}

const TARGETS: Target[] = [
  {
    of: 'kit defaults + Sentry',
    against: 'kit defaults',
    // CPU ratio is (kit CPU/req) ÷ (kit + Sentry CPU/req): ≥ 1/1.1 means Sentry adds ≤ 10 %.
    min: 1 / 1.1,
    metric: 'cpu',
    label: 'issue 20: kit + Sentry (tracing off) ≤ 1.1× the CPU/req of kit without Sentry',
  },
  {
    of: 'kit defaults + Sentry',
    against: 'README-style + Sentry',
    min: 1.5,
    label: "issue 20: kit + Sentry ≥ 1.5× README-style + Sentry (as Sentry's guides set it up)",
  },
  { of: 'kit defaults', against: 'README-style', min: 1.5, label: 'productionize() ≥ 1.5× README-style' },
  { of: 'kit defaults', against: 'expert-tuned', min: 1.0, label: 'productionize() ≥ 1.0× expert-tuned' },
  { of: 'kit defaults', against: 'bare', min: 0.65, label: 'productionize() ≥ 0.65× bare framework' },
  {
    of: 'kit everything on',
    against: 'README-style',
    min: 1.0,
    label: 'everything on ≥ 1.0× README-style',
  },
  {
    of: 'kit everything on but Sentry',
    against: 'README-style',
    min: 1.0,
    label: '(diagnostic) everything on but Sentry ≥ 1.0× README-style',
  },
  {
    of: 'kit logging only',
    against: 'logging by hand',
    min: 1.0,
    label: 'issue 3: kit logging ≥ 1.0× logging by hand',
  },
]

/** Issue 21's targets (its own section): Fastify's are lower, its bare framework does less per request. */
const ISSUE21_TARGETS: Target[] = [
  {
    of: 'kit defaults',
    against: 'README-style',
    min: { express: 1.5, fastify: 1.3 },
    label: 'kit defaults ≥ 1.5× (Express) / 1.3× (Fastify) README-style',
  },
  {
    of: 'kit defaults',
    against: 'bare',
    min: { express: 0.65, fastify: 0.4 },
    label: 'kit defaults ≥ 0.65× (Express) / 0.4× (Fastify) bare framework',
  },
  {
    of: 'kit everything on but Sentry',
    against: 'README-style + Redis',
    min: 1.0,
    label: 'everything on but Sentry (Redis store, flags, metrics) ≥ 1.0× README-style with its Redis store',
  },
]

function report(samples: Samples, descriptions: Map<string, string>): string {
  const parts: string[] = []
  for (const scenario of scenarios) {
    const key = (name: string) => `${scenario}|${name}`
    const scoped: Samples = new Map(selected.map((v) => [v.name, samples.get(key(v.name)) ?? []]))
    const rows = selected.map((v) => {
      const s = scoped.get(v.name)!
      const bare = find(v.framework, 'bare')
      const readme = find(v.framework, 'README-style')
      const ratio = (other: VariantInfo | undefined) =>
        other && other.name !== v.name ? `${roundRatio(scoped, v.name, other.name).toFixed(2)}×` : ''
      const bad = s.reduce((n, x) => n + x.non2xx + x.errors, 0)
      return [
        v.name,
        descriptions.get(key(v.name)) ?? '',
        String(Math.round(median(s.map((x) => x.rps)))),
        String(median(s.map((x) => x.p99))),
        median(s.map((x) => x.cpuPerRequest)).toFixed(0),
        ratio(bare),
        ratio(readme),
        bad ? `**${bad}**` : '0',
      ]
    })
    parts.push(
      `### ${scenario}\n`,
      table(
        [
          'variant',
          'response',
          'req/s',
          'p99 ms',
          'server CPU µs/req',
          'vs bare framework',
          'vs README-style',
          'non-2xx + errors',
        ],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
        rows,
      ),
      '',
    )
    const targetRows: string[][] = []
    for (const framework of ['express', 'fastify'] as const) {
      for (const t of SUITE === 'http-issue21' ? ISSUE21_TARGETS : TARGETS) {
        const a = find(framework, t.of)
        const b = find(framework, t.against)
        if (!a || !b) continue
        const rps = roundRatio(scoped, a.name, b.name)
        const cpu = roundRatio(scoped, a.name, b.name, 'cpu')
        targetRows.push([
          framework,
          t.label,
          `${rps.toFixed(2)}×`,
          `${cpu.toFixed(2)}×`,
          (t.metric === 'cpu' ? cpu : rps) >= (typeof t.min === 'number' ? t.min : t.min[framework])
            ? 'met'
            : '**missed**',
        ])
      }
    }
    if (SUITE === 'http-issue21') parts.push(contextCost(scoped, scenario), '')
    if (targetRows.length) {
      parts.push(
        `Targets, ${scenario} (median of per-round ratios; CPU column: the other variant's CPU µs/req ÷ this one's, > 1 is cheaper):\n`,
        table(
          ['framework', 'target', 'req/s ratio', 'CPU/req ratio', 'verdict'],
          ['l', 'l', 'r', 'r', 'l'],
          targetRows,
        ),
        '',
      )
    }
  }
  return parts.join('\n')
}

/** Issue 21: CPU µs/request that AsyncLocalStorage.run per request adds to the bare framework (median of per-round differences). */
function contextCost(scoped: Samples, scenario: string): string {
  const lines = (['express', 'fastify'] as const).map((framework) => {
    const bare = find(framework, 'bare')
    const withContext = find(framework, 'bare + AsyncLocalStorage')
    if (!bare || !withContext) return ''
    const base = scoped.get(bare.name) ?? []
    const diffs = (scoped.get(withContext.name) ?? []).flatMap((s) => {
      const t = base.find((x) => x.round === s.round)
      return t ? [s.cpuPerRequest - t.cpuPerRequest] : []
    })
    return `${framework} ${median(diffs).toFixed(1)} µs`
  })
  return `Request context (AsyncLocalStorage.run per request, ${process.version}), ${scenario}: ${lines.filter(Boolean).join(', ')} of CPU per request over the bare framework.`
}

/** RSS per variant, idle (started, nothing served) and after every round, with the idle ratio to README-style. */
function memoryReport(rss: Map<string, { idle: number; loaded: number }>): string {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
  const rows = selected.map((v) => {
    const own = rss.get(v.name)
    const readme = find(v.framework, 'README-style')
    const base = readme ? rss.get(readme.name) : undefined
    return [
      v.name,
      own ? mb(own.idle) : '',
      own ? mb(own.loaded) : '',
      own && base && readme!.name !== v.name ? `${(own.idle / base.idle).toFixed(2)}×` : '',
    ]
  })
  return [
    '### memory\n',
    table(
      ['variant', 'idle RSS MB', 'RSS MB after load', 'idle RSS vs README-style'],
      ['l', 'r', 'r', 'r'],
      rows,
    ),
    '',
  ].join('\n')
}

// --- main -----------------------------------------------------------------------------------
if (args.dist)
  ensureBuilt([
    'internal',
    'env',
    'logger',
    'security',
    'rate-limit',
    'health',
    'sentry',
    'mailer',
    'migrate',
    'core',
    'flags',
  ])
const env = await startServices(selected)
let servers: RunningServer[] = []
const samples: Samples = new Map()
const descriptions = new Map<string, string>()
const rss = new Map<string, { idle: number; loaded: number }>()
try {
  servers = await startAll(selected, env)
  // Idle: started and listening, no request served yet.
  for (const server of servers) rss.set(server.name, { idle: (await server.stats()).rss, loaded: 0 })
  for (const scenario of scenarios) {
    for (const server of servers)
      descriptions.set(`${scenario}|${server.name}`, await describe(server, scenario))
    const scoped: Samples = new Map()
    await measure(servers, scenario, scoped)
    for (const [name, list] of scoped) samples.set(`${scenario}|${name}`, list)
  }
  for (const server of servers) rss.get(server.name)!.loaded = (await server.stats()).rss
} finally {
  await Promise.all(servers.map((s) => s.stop()))
  await redis?.destroy()
  sentrySink?.close()
}

const userArgs = process.argv
  .slice(2)
  .join(' ')
  .replace(/--suite \w+ ?/, '')
  .trim()
const suiteCommand = { 'http-sentry': 'sentry', 'http-issue21': 'issue21' }[SUITE] ?? 'http'
const command = `node bench/run.mjs ${suiteCommand}${userArgs ? ` ${userArgs}` : ''}`
const markdown = [
  `Run ${startedAt.toISOString()} with \`${command}\`: ${ROUNDS} rounds × ${DURATION} s per variant and scenario, ${CONNECTIONS} connections, 1 autocannon process on the same machine; @kit/* from ${args.dist ? 'dist (pnpm build)' : 'sources (tsx, --conditions=@kit/source)'}.`,
  `Load average (1/5/15 min) at start ${loadAtStart}, at end ${loadAverage()}. Sentry envelopes received by the local sink: ${envelopes}.`,
  '',
  machineLine(),
  '',
  report(samples, descriptions),
  memoryReport(rss),
].join('\n')
console.log(markdown)
saveJson(SUITE, {
  startedAt,
  command,
  rounds: ROUNDS,
  duration: DURATION,
  connections: CONNECTIONS,
  samples: Object.fromEntries(samples),
})
if (!args['no-write'] && !args.only && !args.scenario) writeSection(SUITE, markdown)
