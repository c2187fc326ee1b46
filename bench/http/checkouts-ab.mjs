// A/B of one variant across checkouts (before/after a change), interleaved, at a fixed request count:
// server CPU per request from /proc/<pid>/task/*/stat (main thread and all threads, GC helpers included).
//   node bench/http/checkouts-ab.mjs <requests> <rounds> <label>=<checkout>::<variant> ...   (DIST=1: @kit/* from dist/)
import { fork } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const autocannon = require('autocannon')
const [, , nStr, roundsStr, ...specs] = process.argv
const N = Number(nStr),
  ROUNDS = Number(roundsStr)
const TICK = 1e6 / 100 // µs per clock tick
function threads(pid) {
  const out = {}
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'))
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
      out[t] = { name, cpu: (Number(f[11]) + Number(f[12])) * TICK }
    } catch {}
  }
  return out
}
async function start(checkout, variant) {
  const child = fork(`${checkout}/bench/http/server.ts`, [variant], {
    cwd: `${checkout}/bench`,
    execArgv: ['--import', 'tsx', ...(process.env.DIST ? [] : ['--conditions=@kit/source'])],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const { port } = await new Promise((r) => child.once('message', r))
  return { child, port }
}
const headers = { origin: 'https://app.example.com', 'x-forwarded-proto': 'https' }
const fire = (port, amount) =>
  autocannon({ url: `http://127.0.0.1:${port}/hello`, headers, connections: 10, amount })
const servers = []
for (const spec of specs) {
  const [label, rest] = spec.split('=')
  const [checkout, variant] = rest.split('::')
  const s = await start(checkout, variant)
  await fire(s.port, 20000) // warm-up: JIT tiers settle
  servers.push({ label, ...s, main: [], total: [] })
}
for (let r = 0; r < ROUNDS; r++) {
  const order = servers.map((_, i) => servers[(i + r) % servers.length])
  for (const s of order) {
    const a = threads(s.child.pid)
    const res = await fire(s.port, N)
    const b = threads(s.child.pid)
    let main = 0,
      total = 0
    for (const [t, v] of Object.entries(b)) {
      const d = v.cpu - (a[t]?.cpu ?? 0)
      total += d
      if (Number(t) === s.child.pid) main += d
    }
    if (res.non2xx || res.errors) console.log(s.label, 'non2xx', res.non2xx, 'errors', res.errors)
    s.main.push(main / N)
    s.total.push(total / N)
  }
}
const med = (a) => {
  const s = [...a].sort((x, y) => x - y)
  return s[Math.floor(s.length / 2)]
}
for (const s of servers) {
  console.log(
    `${s.label.padEnd(24)} main thread ${med(s.main).toFixed(1)} µs/req  all threads ${med(s.total).toFixed(1)}  rounds main: ${s.main.map((x) => x.toFixed(1)).join(' ')}`,
  )
  s.child.kill()
}
process.exit(0)
