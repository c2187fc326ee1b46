/**
 * Every reliability run, one after the other, each in its own process and
 * bounded in time; loopback only. Prints each run's one-line verdict, writes
 * them to bench/RESULTS.md, exits 1 if any failed.
 *
 *   node bench/run.mjs reliability [sigterm|redis|postgres|release|fuzz ...] [--no-write]
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { nodeFlags } from '../http/harness.ts'
import { loadAverage, table, writeSection } from '../http/report.ts'

const RUNS = {
  sigterm: { file: 'sigterm-run.ts', what: 'SIGTERM during sustained load' },
  redis: { file: 'redis-outage-run.ts', what: 'Redis killed and restarted during load' },
  postgres: {
    file: 'postgres-outage-run.ts',
    what: 'Postgres outage (backends terminated, connections refused)',
  },
  release: { file: 'release-run.ts', what: 'five concurrent kit release, the lock holder SIGKILLed' },
  fuzz: { file: 'fuzz-run.ts', what: 'fast-check: env, origins, CSP reports, flag rules' },
} as const
type Name = keyof typeof RUNS

const args = process.argv.slice(2)
const noWrite = args.includes('--no-write')
const picked = args.filter((a) => !a.startsWith('--')) as Name[]
for (const name of picked)
  if (!(name in RUNS)) throw new Error(`unknown run ${name}; one of ${Object.keys(RUNS).join(', ')}`)
const names = picked.length ? picked : (Object.keys(RUNS) as Name[])

/** Runs one file; resolves with its verdict line (or a FAIL line if it printed none) and its duration. */
function runOne(name: Name): Promise<{ line: string; pass: boolean; seconds: number }> {
  const started = Date.now()
  const child = spawn(
    process.execPath,
    [...nodeFlags(), fileURLToPath(new URL(`./${RUNS[name].file}`, import.meta.url))],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    process.stdout.write(chunk)
  })
  // Each run bounds itself; this is the backstop for a run that hangs before it can.
  const timer = setTimeout(() => child.kill('SIGKILL'), 330_000)
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith('verdict '))
      const seconds = (Date.now() - started) / 1000
      if (!line)
        resolve({ line: `verdict ${name}: FAIL — no verdict (exit ${code ?? signal})`, pass: false, seconds })
      else resolve({ line, pass: / PASS /.test(line) && !/not run/.test(line), seconds })
    })
  })
}

const started = new Date()
const loadAtStart = loadAverage()
const results: { name: Name; line: string; pass: boolean; seconds: number }[] = []
for (const name of names) results.push({ name, ...(await runOne(name)) })

const rows = results.map((r) => {
  const [, status = 'FAIL', figures = r.line] = /^verdict [^:]+: (\w+) — (.*)$/.exec(r.line) ?? []
  return [RUNS[r.name].what, status === 'PASS' ? 'PASS' : `**${status}**`, r.seconds.toFixed(0), figures]
})
const markdown = [
  `Run ${started.toISOString()} with \`node bench/run.mjs reliability${args.length ? ` ${args.join(' ')}` : ''}\` (\`pnpm bench:reliability\`); Node ${process.version}; load average at start ${loadAtStart}, at end ${loadAverage()}.`,
  '',
  table(['run', 'verdict', 's', 'figures'], ['l', 'l', 'r', 'l'], rows),
].join('\n')
console.log(`\n${markdown}`)
if (!noWrite && picked.length === 0) writeSection('reliability', markdown)
process.exit(results.every((r) => r.pass) ? 0 : 1)
