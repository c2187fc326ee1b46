/**
 * The memory store's hit path (issue 21): one counted request of a client
 * already counted, store by store, side by side in one process:
 *
 * - kit: `Tier.hit(clientKey)` (the guard's down check, the tier's scope in
 *   MemoryStore: what the limiter calls once per request and tier);
 * - express-rate-limit's MemoryStore `increment(key)` (what it awaits per request);
 * - @fastify/rate-limit's LocalStore `incr(key, cb, timeWindow, max)`.
 *
 * Per variant: CPU ns per hit (process.cpuUsage over the whole loop) and heap
 * bytes allocated per hit (heapUsed before and after the loop, with a
 * collection before it and a young generation large enough that none runs
 * during it: node is started with --min-semi-space-size and --max-semi-space-size; a
 * scavenge would hide allocations, so the run checks that none happened). Variants are
 * interleaved over ROUNDS rounds; medians, and ratios against kit.
 *
 * Run: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 --import tsx bench/rate-limit/store-hit.ts
 *      (ROUNDS=9 HITS=20000 CLIENTS=1000)
 */
import { createRequire } from 'node:module'
import { GCProfiler } from 'node:v8'
import { createRateLimits } from '../../packages/rate-limit/src/index.ts'

const ROUNDS = Number(process.env.ROUNDS ?? 9)
const HITS = Number(process.env.HITS ?? 20_000)
const CLIENTS = Number(process.env.CLIENTS ?? 1000)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc (see the header)')

// The baselines are @kit/rate-limit's own (dev) dependencies.
const require = createRequire(new URL('../../packages/rate-limit/package.json', import.meta.url))
const { MemoryStore: ErlMemoryStore } = require('express-rate-limit') as typeof import('express-rate-limit')
const fastifyRateLimitDir = require.resolve('@fastify/rate-limit').replace(/index\.js$/, '')
const LocalStore = require(`${fastifyRateLimitDir}store/LocalStore.js`) as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => {
  incr(key: string, cb: (error: unknown, result: unknown) => void, timeWindow: number, max: number): void
}

const keys = Array.from({ length: CLIENTS }, (_, i) => `10.0.${i >> 8}.${i & 255}`)
const WINDOW = 3_600_000
const LIMIT = 1_000_000_000

const limits = createRateLimits({ tiers: { global: { limit: LIMIT, windowMs: WINDOW } }, bruteForce: false })
const tier = limits.tier('global')
const erl = new ErlMemoryStore()
erl.init({ windowMs: WINDOW } as never)
// LocalStore's LRU holds 5000 keys by default: every client fits, as in kit's Map.
const local = new LocalStore(false, false, Math.max(5000, CLIENTS))
// Kept a small integer (a Smi): a growing sum would allocate a HeapNumber per hit and be measured.
let sink = 0
const onCount = (_error: unknown, result: unknown) => {
  sink = (sink + (result as { current: number }).current) & 0xffff
}

type Variant = (count: number) => Promise<void> | void
const variants: Record<string, Variant> = {
  'kit MemoryStore (Tier.hit)': (count) => {
    for (let i = 0; i < count; i++) {
      const counter = tier.hit(keys[i % CLIENTS]!)
      sink = (sink + (counter as { hits: number }).hits) & 0xffff
    }
  },
  "express-rate-limit's MemoryStore (increment)": async (count) => {
    for (let i = 0; i < count; i++)
      sink = (sink + (await erl.increment(keys[i % CLIENTS]!)).totalHits) & 0xffff
  },
  "@fastify/rate-limit's LocalStore (incr)": (count) => {
    for (let i = 0; i < count; i++) local.incr(keys[i % CLIENTS]!, onCount, WINDOW, LIMIT)
  },
  // The floor every fixed-window store pays: one clock read, which V8 returns as a boxed double.
  'Date.now() alone (reference)': (count) => {
    for (let i = 0; i < count; i++) sink = (sink + (Date.now() > i ? 1 : 0)) & 0xffff
  },
}

async function measure(run: Variant): Promise<{ ns: number; bytes: number }> {
  gc!()
  const profiler = new GCProfiler()
  profiler.start()
  const heapBefore = process.memoryUsage().heapUsed
  const cpuBefore = process.cpuUsage()
  await run(HITS)
  const cpu = process.cpuUsage(cpuBefore)
  const heapAfter = process.memoryUsage().heapUsed
  const collections = profiler.stop()?.statistics.length ?? 0
  if (collections !== 0) {
    throw new Error(
      `${collections} collection(s) ran during a measurement: raise --min-semi-space-size or lower HITS`,
    )
  }
  return { ns: ((cpu.user + cpu.system) * 1000) / HITS, bytes: Math.max(0, heapAfter - heapBefore) / HITS }
}

const names = Object.keys(variants)
for (const name of names) await variants[name]!(CLIENTS * 2) // every client known: the hit path, warm JIT
const samples = new Map<string, { ns: number[]; bytes: number[] }>(
  names.map((n) => [n, { ns: [], bytes: [] }]),
)
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]!
    const result = await measure(variants[name]!)
    samples.get(name)!.ns.push(result.ns)
    samples.get(name)!.bytes.push(result.bytes)
  }
}
await limits.close()
erl.shutdown()

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const kit = names[0]!
console.log(
  `${ROUNDS} rounds × ${HITS} hits over ${CLIENTS} known clients, Node ${process.version}; medians\n`,
)
console.log('| store | CPU ns/hit | vs kit | heap bytes allocated/hit |')
console.log('|---|---:|---:|---:|')
for (const name of names) {
  const s = samples.get(name)!
  console.log(
    `| ${name} | ${median(s.ns).toFixed(0)} | ${(median(s.ns) / median(samples.get(kit)!.ns)).toFixed(2)}× | ${median(s.bytes).toFixed(1)} |`,
  )
}
if (sink === 0) console.log('(sink)')
