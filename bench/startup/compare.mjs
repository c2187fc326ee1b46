// Start-up before and after a change, in one run: the start-up apps
// (bench/http/startup/app.mjs, @kit/* from dist/) of this checkout and of
// another built checkout, rounds interleaved, each timed from spawn to the
// first 200 of GET /hello. Prints per framework the median of the per-round
// kit ÷ README-style ratios of each checkout, and the median time and CPU.
//
//   pnpm build && node bench/startup/compare.mjs <other checkout, built> [--rounds 10]
import { fork } from 'node:child_process'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ENV, freePort, HEADERS, VARIANTS } from './shared.mjs'

const { values: args, positionals } = parseArgs({
  options: { rounds: { type: 'string', default: '10' } },
  allowPositionals: true,
})
if (positionals.length !== 1) {
  console.error('usage: node bench/startup/compare.mjs <other checkout, built> [--rounds 10]')
  process.exit(2)
}
const ROUNDS = Number(args.rounds)
const CHECKOUTS = {
  other: resolve(positionals[0]),
  this: fileURLToPath(new URL('../..', import.meta.url)),
}

/** ms from spawn to the first 200, and the app's CPU ms at that point. */
async function startOnce(checkout, variant) {
  const port = await freePort()
  const bench = join(CHECKOUTS[checkout], 'bench')
  const started = performance.now()
  const child = fork(join(bench, 'http/startup/app.mjs'), [variant], {
    cwd: bench,
    execArgv: [],
    env: { ...process.env, ...ENV, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  try {
    await new Promise((done, reject) => {
      child.once('message', done)
      child.once('exit', (code) => reject(new Error(`${checkout} ${variant} exited with ${code}`)))
    })
    const res = await fetch(`http://127.0.0.1:${port}/hello`, { headers: HEADERS, redirect: 'manual' })
    await res.text()
    const ms = performance.now() - started
    if (res.status !== 200) throw new Error(`${checkout} ${variant}: first request answered ${res.status}`)
    const stats = await new Promise((done) => {
      child.once('message', done)
      child.send('stats')
    })
    return { ms, cpuMs: stats.cpuMs }
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done))
      child.kill('SIGKILL')
      await exited
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')

const runs = Object.keys(CHECKOUTS).flatMap((checkout) => VARIANTS.map((variant) => ({ checkout, variant })))
const samples = new Map(runs.map((r) => [`${r.checkout} ${r.variant}`, []]))
const loadAtStart = load()
for (const r of runs) await startOnce(r.checkout, r.variant) // warm the disk cache
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < runs.length; i++) {
    const r = runs[(i + round) % runs.length]
    samples.get(`${r.checkout} ${r.variant}`).push(await startOnce(r.checkout, r.variant))
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`)
}

const lines = [
  `Run ${new Date().toISOString()}: \`node bench/startup/compare.mjs ${positionals[0]} --rounds ${ROUNDS}\`, Node ${process.version}; this = ${CHECKOUTS.this}, other = ${CHECKOUTS.other}; load average at start ${loadAtStart}, at end ${load()}.`,
  '',
  '| checkout | framework | README-style ms | kit ms | kit ÷ README-style (time) | kit ÷ README-style (CPU) |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
]
for (const checkout of Object.keys(CHECKOUTS)) {
  for (const framework of ['express', 'fastify']) {
    const hand = samples.get(`${checkout} ${framework} README-style`)
    const kit = samples.get(`${checkout} ${framework} kit`)
    const ratio = (key) => median(kit.map((s, i) => s[key] / hand[i][key])).toFixed(2)
    lines.push(
      `| ${checkout} | ${framework} | ${median(hand.map((s) => s.ms)).toFixed(0)} | ${median(kit.map((s) => s.ms)).toFixed(0)} | ${ratio('ms')}× | ${ratio('cpuMs')}× |`,
    )
  }
}
console.log(lines.join('\n'))
