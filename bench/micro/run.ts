/**
 * In-process costs (tinybench): redaction (`redact`, `redactString` of
 * @kit/internal), CORS origin matching (@kit/security's matcher against the
 * rule the `cors` package applies to an array allow-list), and flag
 * evaluation (@kit/flags). Each task runs --time ms after a warm-up; the
 * table gives median, mean and p99 latency (the median first: on a shared
 * machine the mean carries the neighbours' pauses).
 *
 *   node bench/run.mjs micro [--time 500] [--no-write]
 *
 * Request-logging and log-line costs are measured in bench/logging/micro.ts.
 */
import { parseArgs } from 'node:util'
import { createFlags } from '@kit/flags'
import { redact, redactString } from '@kit/internal'
import { createSecurity } from '@kit/security'
import { Bench } from 'tinybench'
import { loadAverage, machineLine, table, writeSection } from '../http/report.ts'

const { values: args } = parseArgs({
  options: { time: { type: 'string', default: '500' }, 'no-write': { type: 'boolean', default: false } },
})
const TIME = Number(args.time)

// --- redaction -----------------------------------------------------------------------------
const plainLine = { userId: 42, action: 'login', path: '/api/items', durationMs: 12 }
const requestLike = {
  method: 'POST',
  url: '/auth/login?next=%2Fdashboard',
  headers: {
    host: 'app.example.com',
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl',
    cookie: 'sid=s%3Aabcdef1234567890; theme=dark',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
    accept: 'application/json',
  },
  body: { email: 'ada@example.com', password: 'correct horse battery staple', remember: true },
}
const proseNoSecret = 'GET /api/items?page=2 answered 200 in 12 ms for user 42'
const urlWithPassword =
  'could not connect to postgres://app:s3cretPassw0rd@db.example.com:5432/app (ECONNREFUSED)'
const longText = `${'The quick brown fox jumps over the lazy dog while the request keeps going. '.repeat(27)}`

const redaction = new Bench({ time: TIME, warmupTime: 200 })
redaction
  .add('structuredClone(request-like object) — reference: a deep copy alone', () => {
    structuredClone(requestLike)
  })
  .add('redact(4-field log object, no secret)', () => {
    redact(plainLine)
  })
  .add('redact(request-like object: headers, cookie, password)', () => {
    redact(requestLike)
  })
  .add('redactString(one line of prose, no secret)', () => {
    redactString(proseNoSecret)
  })
  .add('redactString(error message with a URL password)', () => {
    redactString(urlWithPassword)
  })
  .add(`redactString(${longText.length} characters of prose)`, () => {
    redactString(longText)
  })

// --- CORS origin matching --------------------------------------------------------------------
const security = createSecurity(
  { cors: { origins: ['https://app.example.com', 'https://admin.example.com', 'https://*.example.com'] } },
  { env: { NODE_ENV: 'production' } },
)
const matcher = security.config.cors!.origins
// The rule `cors` applies to an array: each entry compared with === or RegExp#test, in order.
const corsList: (string | RegExp)[] = [
  'https://app.example.com',
  'https://admin.example.com',
  /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.example\.com$/,
]
const corsRule = (origin: string) =>
  corsList.some((allowed) => (typeof allowed === 'string' ? allowed === origin : allowed.test(origin)))
const ORIGINS = {
  'exact hit': 'https://admin.example.com',
  'subdomain pattern hit': 'https://eu.shop.example.com',
  'miss (look-alike)': 'https://evil-example.com',
  'miss (other site)': 'https://attacker.test',
}
const cors = new Bench({ time: TIME, warmupTime: 200 })
for (const [label, origin] of Object.entries(ORIGINS)) {
  if (matcher.matches(origin) !== corsRule(origin)) throw new Error(`the two rules disagree on ${origin}`)
  cors.add(`kit matcher: ${label}`, () => {
    matcher.matches(origin)
  })
  cors.add(`array rule of the cors package: ${label}`, () => {
    corsRule(origin)
  })
}

// --- flag evaluation ------------------------------------------------------------------------
const flags = createFlags(
  {
    simple: { default: false },
    rollout: { default: false },
    targeted: { default: false },
    copy: { default: 'a', variants: ['a', 'b', 'c'] },
  },
  { file: false, invalidation: 'poll' },
  {
    env: {
      NODE_ENV: 'production',
      FEATURE_FLAGS: JSON.stringify({
        simple: true,
        rollout: { rollout: 30 },
        targeted: { rules: ['plan in [pro, team]', 'country not in [US]'], allow: ['1', '2'] },
        copy: { weights: { a: 34, b: 33, c: 33 } },
      }),
    },
  },
)
await flags.start()
const user = { userId: 'user-7341', attributes: { plan: 'pro', country: 'FR' } }
const flagBench = new Bench({ time: TIME, warmupTime: 200 })
flagBench
  .add('isEnabled: on for everyone', () => {
    flags.isEnabled('simple')
  })
  .add('isEnabled: 30 % rollout (bucket hash of the user id)', () => {
    flags.isEnabled('rollout', user)
  })
  .add('isEnabled: two attribute rules + allow list', () => {
    flags.isEnabled('targeted', user)
  })
  .add('variant: A/B/C weights', () => {
    flags.variant('copy', user)
  })
  .add('evaluate: value, reason, variant, source', () => {
    flags.evaluate('copy', user)
  })
  .add('forRequest(context).isEnabled (what req.flags does)', () => {
    flags.forRequest(() => user).isEnabled('rollout')
  })

// --- run and report -------------------------------------------------------------------------
const loadAtStart = loadAverage()
const sections: string[] = []
for (const [title, bench] of [
  ['Redaction (@kit/internal)', redaction],
  ['CORS origin matching (@kit/security)', cors],
  ['Flag evaluation (@kit/flags)', flagBench],
] as const) {
  await bench.run()
  const rows = bench.tasks.map((task) => {
    const r = task.result
    if (r.state !== 'completed') return [task.name, r.state, '', '', '', '']
    return [
      task.name,
      (r.latency.p50 * 1000).toFixed(3),
      (r.latency.mean * 1000).toFixed(3),
      (r.latency.p99 * 1000).toFixed(3),
      Math.round(1000 / r.latency.p50).toLocaleString('en-US'),
      String(r.latency.samplesCount),
    ]
  })
  sections.push(
    `### ${title}\n`,
    table(
      ['task', 'median µs', 'mean µs', 'p99 µs', 'ops/s (1 ÷ median)', 'samples'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
    '',
  )
  process.stderr.write(`${title}: done\n`)
}
await flags.close()

const markdown = [
  `Run ${new Date().toISOString()} with \`node bench/run.mjs micro${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`: tinybench, ${TIME} ms per task after a 200 ms warm-up, one process. Load average at start ${loadAtStart}, at end ${loadAverage()}.`,
  '',
  machineLine(),
  '',
  ...sections,
].join('\n')
console.log(markdown)
if (!args['no-write']) writeSection('micro', markdown)
