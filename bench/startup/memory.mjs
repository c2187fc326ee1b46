// Memory at idle and after load (issue 21's "idle RSS ≤ 1.1× the README-style
// app"), and which of kit's built files each app loads (issue 16: one file
// per entry point, nothing of the other framework).
//
// Each round starts every variant of the start-up run (bench/http/startup/app.mjs,
// plain JavaScript, @kit/* from dist/, NODE_ENV=production, no optional service)
// in its own process, variants interleaved:
//   idle RSS        one GET /hello, then 2 s with no request, then RSS
//   after-load RSS  then 4 000 GET /hello over 10 keep-alive connections, 1 s
//                   quiet, then RSS (V8 keeps the heap it grew: what a server
//                   that has served traffic holds)
// Ratios are medians of the per-round kit ÷ README-style ratios.
//
//   pnpm build && node bench/startup/memory.mjs [--rounds 5] [--requests 4000]
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ENV, freePort, HEADERS, VARIANTS } from './shared.mjs'

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '4000' } },
})
const ROUNDS = Number(args.rounds)
const REQUESTS = Number(args.requests)
const BENCH = fileURLToPath(new URL('..', import.meta.url))
const APP = join(BENCH, 'http/startup/app.mjs')
const RECORDER = join(BENCH, 'http/startup/record-modules.mjs')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function ask(child, message) {
  return new Promise((resolve) => {
    child.once('message', resolve)
    child.send(message)
  })
}

async function start(variant, extra = {}) {
  const port = await freePort()
  const child = fork(APP, [variant], {
    cwd: BENCH,
    execArgv: extra.execArgv ?? [],
    env: { ...process.env, ...ENV, PORT: String(port), ...extra.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`${variant} exited with ${code} before listening`)))
  })
  clearTimeout(timer)
  return { child, origin: `http://127.0.0.1:${port}` }
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

async function hello(origin) {
  const res = await fetch(`${origin}/hello`, { headers: HEADERS, signal: AbortSignal.timeout(10_000) })
  await res.text()
  if (res.status !== 200) throw new Error(`GET /hello answered ${res.status}`)
}

/** REQUESTS requests from 10 concurrent loops (fetch keeps the connections alive). */
async function load(origin) {
  let left = REQUESTS
  const worker = async () => {
    while (left-- > 0) await hello(origin)
  }
  await Promise.all(Array.from({ length: 10 }, worker))
}

async function measure(variant) {
  const { child, origin } = await start(variant)
  try {
    await hello(origin)
    await sleep(2000)
    const idle = (await ask(child, 'stats')).rss
    await load(origin)
    await sleep(1000)
    const loaded = (await ask(child, 'stats')).rss
    return { idle, loaded }
  } finally {
    await stop(child)
  }
}

/** kit's own built files the app loaded (packages/<name>/dist/...), relative to packages/. */
async function kitFiles(variant) {
  const dir = mkdtempSync(join(tmpdir(), 'kit-memory-'))
  const log = join(dir, 'loads.txt')
  const { child, origin } = await start(variant, {
    execArgv: ['--import', RECORDER],
    env: { KIT_LOAD_LOG: log },
  })
  try {
    await hello(origin)
    const { cjs, esm } = await ask(child, 'modules')
    const files = [...cjs, ...esm].map((f) => f.replace(/^file:\/\//, ''))
    return [...new Set(files.filter((f) => /\/packages\/[^/]+\/dist\//.test(f)))]
      .map((f) => f.replace(/.*\/packages\//, ''))
      .sort()
  } finally {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1)
const load1 = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')

const loadAtStart = load1()
const samples = new Map(VARIANTS.map((v) => [v, []]))
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round so drift on a shared machine hits every variant alike.
  const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length])
  for (const variant of order) samples.get(variant).push(await measure(variant))
  process.stderr.write(`memory round ${round + 1}/${ROUNDS}\n`)
}

const lines = [
  `Run ${new Date().toISOString()} with \`node bench/startup/memory.mjs --rounds ${ROUNDS} --requests ${REQUESTS}\`, Node ${process.version}; load average at start ${loadAtStart}, at end ${load1()}.`,
  '',
  '| app | idle RSS MB | after-load RSS MB | idle vs README-style | after load vs README-style |',
  '| --- | ---: | ---: | ---: | ---: |',
]
for (const variant of VARIANTS) {
  const s = samples.get(variant)
  const hand = samples.get(`${variant.split(' ')[0]} README-style`)
  const ratio = (key) =>
    variant.endsWith('README-style') ? '' : `${median(s.map((x, i) => x[key] / hand[i][key])).toFixed(2)}×`
  lines.push(
    `| ${variant} | ${mb(median(s.map((x) => x.idle)))} | ${mb(median(s.map((x) => x.loaded)))} | ${ratio('idle')} | ${ratio('loaded')} |`,
  )
}
for (const variant of ['express kit', 'fastify kit']) {
  const files = await kitFiles(variant)
  lines.push('', `kit files loaded by ${variant} (${files.length}): ${files.join(', ')}`)
}
console.log(lines.join('\n'))
