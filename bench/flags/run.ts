/**
 * Evaluations per second of @kit/flags on one core (tinybench, one
 * process): a plain boolean, a percentage rollout, targeting rules and an
 * A/B variant, next to a baseline loop that only reads the context, and the
 * same boolean through the OpenFeature SDK. Each task evaluates a batch of
 * 1024 users, so timer overhead does not swamp ~100 ns operations.
 *
 * Run: node --import tsx --conditions=@kit/source bench/flags/run.ts
 */
import { OpenFeature } from '@openfeature/server-sdk'
import { Bench } from 'tinybench'
import { createFlags } from '../../packages/flags/src/index.ts'
import { createOpenFeatureProvider } from '../../packages/flags/src/openfeature.ts'

const BATCH = 1024
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 2000)

const definitions = {
  newCheckout: { default: false },
  gradual: { default: false },
  proOnly: { default: false },
  checkoutCopy: { default: 'a', variants: ['a', 'b', 'c'] },
} as const
const flags = createFlags(
  definitions,
  { file: false },
  {
    env: {
      FEATURE_FLAGS: JSON.stringify({
        newCheckout: true,
        gradual: { rollout: 25 },
        proOnly: { rules: ['plan in [pro, team]'], rollout: 50, deny: ['banned'] },
        checkoutCopy: { weights: { a: 50, b: 30, c: 20 } },
      }),
    },
  },
)
const contexts = Array.from({ length: BATCH }, (_, i) => ({
  userId: `user-${i}`,
  attributes: { plan: i % 3 === 0 ? 'pro' : 'free' },
}))

// Results feed a sink so the JIT cannot drop the work.
let sink = 0
const tasks: [string, () => void][] = [
  [
    'baseline: read the context only',
    () => {
      for (let i = 0; i < BATCH; i++) sink += contexts[i]!.userId.length
    },
  ],
  [
    'boolean (on for everyone)',
    () => {
      for (let i = 0; i < BATCH; i++) if (flags.isEnabled('newCheckout', contexts[i])) sink++
    },
  ],
  [
    'boolean via forRequest() (one binding per request)',
    () => {
      for (let i = 0; i < BATCH; i++) if (flags.forRequest(contexts[i]).isEnabled('newCheckout')) sink++
    },
  ],
  [
    'percentage rollout (25%, murmur3 bucket)',
    () => {
      for (let i = 0; i < BATCH; i++) if (flags.isEnabled('gradual', contexts[i])) sink++
    },
  ],
  [
    'rules + deny list + rollout',
    () => {
      for (let i = 0; i < BATCH; i++) if (flags.isEnabled('proOnly', contexts[i])) sink++
    },
  ],
  [
    'variant (weights 50/30/20)',
    () => {
      for (let i = 0; i < BATCH; i++) if (flags.variant('checkoutCopy', contexts[i]) === 'b') sink++
    },
  ],
]

const provider = createOpenFeatureProvider(flags)
await OpenFeature.setProviderAndWait(provider)
const client = OpenFeature.getClient()
const openFeatureContexts = contexts.map((c) => ({ targetingKey: c.userId, plan: c.attributes.plan }))

const bench = new Bench({ time: TIME_MS, warmup: true })
for (const [name, fn] of tasks) bench.add(name, fn)
const silent = { error() {}, warn() {}, info() {}, debug() {} }
bench.add('kit provider.resolveBooleanEvaluation alone (async)', async () => {
  for (let i = 0; i < BATCH; i++)
    if ((await provider.resolveBooleanEvaluation('gradual', false, openFeatureContexts[i]!, silent)).value)
      sink++
})
bench.add('OpenFeature client.getBooleanValue (async)', async () => {
  for (let i = 0; i < BATCH; i++)
    if (await client.getBooleanValue('gradual', false, openFeatureContexts[i])) sink++
})
await bench.run()

const rows = bench.tasks.map((task) => {
  const result = task.result as { state?: string; throughput?: { mean: number }; period?: number }
  const perSecond = (result.throughput?.mean ?? 0) * BATCH
  return { name: task.name, perSecond, nsPerEval: 1e9 / perSecond }
})
const baseline = rows[0]!.perSecond
const format = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`)
console.log(
  `Node ${process.version}, ${BATCH} users per batch, ${TIME_MS} ms per task (sink ${sink > 0 ? 'ok' : 'empty'})\n`,
)
console.log('| evaluation | evaluations/s | ns/evaluation | vs baseline loop |')
console.log('| --- | ---: | ---: | ---: |')
for (const row of rows) {
  console.log(
    `| ${row.name} | ${format(row.perSecond)} | ${row.nsPerEval.toFixed(0)} | ${(row.perSecond / baseline).toFixed(3)} |`,
  )
}
const boolean = rows.find((row) => row.name.startsWith('boolean (on'))!.perSecond
const rollout = rows.find((row) => row.name.startsWith('percentage rollout'))!.perSecond
console.log(
  `\ntargets: boolean ≥ 5 M/s: ${boolean >= 5e6 ? 'met' : 'MISSED'} (${format(boolean)}); rollout ≥ 2 M/s: ${rollout >= 2e6 ? 'met' : 'MISSED'} (${format(rollout)})`,
)
await OpenFeature.close()
