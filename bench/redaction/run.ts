/**
 * Cost of scrubbing registered secrets out of a log line (issue 17): the
 * one-pass matcher of @kit/internal (`redactKnownSecrets`, also the first
 * step of `redactString`) with 0, 10 and 1,000 known secrets, per KB of log
 * line, next to the regular-expression alternation it replaced (one
 * `a|b|c…` pattern over every secret, rebuilt on each add), measured in the
 * same run. Also the cost of registering 1,000 secrets both ways.
 *
 *   node --import tsx --conditions=@kit/source bench/redaction/run.ts [--time 500]
 */
import { parseArgs } from 'node:util'
import { addKnownSecret, clearKnownSecrets, redactKnownSecrets, redactString } from '@kit/internal'
import { Bench } from 'tinybench'

const { values: args } = parseArgs({ options: { time: { type: 'string', default: '500' } } })
const TIME = Number(args.time)

// A 1 KB request line: method, path, user agent, no secret in it (the common case: the whole line is scanned).
const LINE =
  `GET /api/items/42/reviews?page=2 200 12ms ${'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 '.repeat(9)}`.slice(
    0,
    1024,
  )
const secrets = (n: number) =>
  Array.from({ length: n }, (_, i) => `${i.toString(36)}-${(i * 2654435761).toString(16)}-secret-value-${i}`)

/** The replaced implementation: every add rebuilds one alternation, longest first. */
function regexMatcher(values: string[]): RegExp | undefined {
  let pattern: RegExp | undefined
  const seen: string[] = []
  for (const value of values) {
    seen.push(value)
    const escaped = [...seen]
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    pattern = new RegExp(escaped.join('|'), 'g')
  }
  return pattern
}

const bench = new Bench({ time: TIME, warmupTime: 200 })
for (const n of [0, 10, 1000]) {
  const values = secrets(n)
  const regex = regexMatcher(values)
  bench.add(
    `one-pass matcher, ${n} secrets`,
    () => {
      redactKnownSecrets(LINE)
    },
    {
      beforeAll() {
        clearKnownSecrets()
        for (const value of values) addKnownSecret(value)
        redactKnownSecrets('warm') // builds the automaton outside the measured loop
      },
    },
  )
  bench.add(`alternation regex (before), ${n} secrets`, () => {
    if (regex) LINE.replace(regex, '[REDACTED]')
  })
  bench.add(
    `redactString (matcher + patterns), ${n} secrets`,
    () => {
      redactString(LINE)
    },
    {
      beforeAll() {
        clearKnownSecrets()
        for (const value of values) addKnownSecret(value)
        redactKnownSecrets('warm')
      },
    },
  )
}
await bench.run()

const rows = bench.tasks.map((task) => {
  const median = (task.result as { latency?: { p50?: number } } | undefined)?.latency?.p50 ?? Number.NaN
  return { task: task.name, 'µs per KB (median)': Number((median * 1000).toFixed(2)) }
})
console.table(rows)

// Registering 1,000 secrets: the old way rebuilt and sorted the whole pattern on every add.
const values = secrets(1000)
let start = performance.now()
regexMatcher(values)
const regexAdd = performance.now() - start
clearKnownSecrets()
start = performance.now()
for (const value of values) addKnownSecret(value)
redactKnownSecrets('build')
const matcherAdd = performance.now() - start
console.log(
  `register 1,000 secrets: alternation regex ${regexAdd.toFixed(1)} ms, one-pass matcher ${matcherAdd.toFixed(1)} ms (adds + one build)`,
)
