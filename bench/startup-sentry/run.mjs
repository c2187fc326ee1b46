// Start-up cost of @kit/sentry: process start → first successful request,
// for the same Express app run three ways, each in its own process, rounds
// interleaved so machine load hits every variant alike:
//   baseline      node app.mjs
//   preload-off   node --import @kit/sentry/instrument app.mjs   (no SENTRY_DSN)
//   preload-on    node --import @kit/sentry/instrument app.mjs   (SENTRY_DSN set)
// Then, untimed, which modules each variant loaded: the no-DSN path must not
// load anything from @sentry.
//
//   node bench/startup-sentry/run.mjs [rounds=15]
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const rounds = Number(process.argv[2] ?? 15)
const instrument = join(root, 'packages/sentry/dist/instrument.js')

// Production runs the compiled package: build it (incremental, fast when fresh).
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-b', 'packages/sentry'], { cwd: root, stdio: 'inherit' })
execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs'), 'sentry'], { cwd: root, stdio: 'inherit' })

// A Sentry stand-in for the DSN variant: accepts envelopes, answers 200.
const sink = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(200).end('{}'))
})
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve))
const dsn = `http://public@127.0.0.1:${sink.address().port}/1`

const variants = {
  baseline: { argv: [], env: { SENTRY_DSN: '' } },
  'preload-off': { argv: ['--import', instrument], env: { SENTRY_DSN: '' } },
  'preload-on': { argv: ['--import', instrument], env: { SENTRY_DSN: dsn } },
}

/** Starts the app, returns ms from spawn to the first 200, the app's RSS then, and stops it. */
function startOnce(variant, extra = { argv: [], env: {} }) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [...extra.argv, ...variant.argv, join(here, 'app.mjs')], {
      cwd: here,
      env: { ...process.env, no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1', ...variant.env, ...extra.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('app did not start within 60 s'))
    }, 60_000)
    let out = ''
    child.stdout.on('data', async (chunk) => {
      out += chunk
      const port = /listening (\d+)/.exec(out)?.[1]
      if (!port || child.answered) return
      child.answered = true
      const res = await fetch(`http://127.0.0.1:${port}/`)
      if (res.status !== 200) return reject(new Error(`first request answered ${res.status}`))
      const ms = performance.now() - started
      const { rss, cpuMs, cjsSentry } = await (await fetch(`http://127.0.0.1:${port}/stats`)).json()
      clearTimeout(timer)
      child.once('exit', () => resolve({ ms, rss, cpuMs, cjsSentry }))
      child.kill('SIGKILL')
    })
  })
}

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
for (const variant of Object.values(variants)) await startOnce(variant) // warm the disk cache
for (let round = 0; round < rounds; round++) {
  for (const [name, variant] of Object.entries(variants)) samples[name].push(await startOnce(variant))
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const summary = Object.fromEntries(
  Object.entries(samples).map(([name, list]) => [
    name,
    {
      medianMs: Math.round(median(list.map((s) => s.ms))),
      minMs: Math.round(Math.min(...list.map((s) => s.ms))),
      // CPU the app used until its first answer: less sensitive to other load than wall time.
      medianCpuMs: Math.round(median(list.map((s) => s.cpuMs))),
      medianRssMb: Math.round(median(list.map((s) => s.rss)) / 1e5) / 10,
    },
  ]),
)

// Module proof (untimed): every module each variant loaded through the ES module loader.
const logs = mkdtempSync(join(tmpdir(), 'kit-bench-loads-'))
const loaded = {}
for (const [name, variant] of Object.entries(variants)) {
  const log = join(logs, `${name}.log`)
  writeFileSync(log, '')
  const { cjsSentry } = await startOnce(variant, {
    argv: ['--import', './record-loads.mjs'],
    env: { KIT_LOAD_LOG: log },
  })
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean)
  loaded[name] = {
    esModules: urls.length,
    fromSentrySdk: urls.filter((url) => url.includes('/@sentry/')).length + cjsSentry,
    kitPreload: urls.some((url) => url.endsWith('/packages/sentry/dist/instrument.js')),
  }
}
rmSync(logs, { recursive: true, force: true })
sink.close()

const base = summary.baseline.medianMs
const baseCpu = summary.baseline.medianCpuMs
console.log(`\n@kit/sentry start-up, ${rounds} rounds; medians (min) from spawn to the first 200:\n`)
console.log(
  'variant       wall ms       × base   CPU ms   × base   RSS MB   ES modules   @sentry modules (ESM + CJS)',
)
for (const [name, s] of Object.entries(summary)) {
  console.log(
    [
      name.padEnd(13),
      `${s.medianMs} (${s.minMs})`.padEnd(12),
      (s.medianMs / base).toFixed(2).padStart(7),
      String(s.medianCpuMs).padStart(8),
      (s.medianCpuMs / baseCpu).toFixed(2).padStart(7),
      String(s.medianRssMb).padStart(8),
      String(loaded[name].esModules).padStart(12),
      String(loaded[name].fromSentrySdk).padStart(12),
    ].join(' '),
  )
}
console.log(
  `\npreload-on costs ${summary['preload-on'].medianMs - summary['preload-off'].medianMs} ms wall, ${summary['preload-on'].medianCpuMs - summary['preload-off'].medianCpuMs} ms CPU and ${(summary['preload-on'].medianRssMb - summary['preload-off'].medianRssMb).toFixed(1)} MB over preload-off;` +
    ` preload-off costs ${summary['preload-off'].medianMs - base} ms wall and ${summary['preload-off'].medianCpuMs - baseCpu} ms CPU over baseline.`,
)
if (loaded['preload-off'].fromSentrySdk !== 0 || !loaded['preload-off'].kitPreload) {
  console.error('FAIL: without SENTRY_DSN the preload must run and load nothing from @sentry')
  process.exitCode = 1
}

mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(
  join(root, 'bench/results/startup-sentry.json'),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds, summary, loaded }, null, 2),
)
