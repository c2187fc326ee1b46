/**
 * Why Express keeps requests alive through scavenges: the bytes promoted to
 * V8's old generation per request (sum of `promoted=` of every scavenge,
 * --trace-gc-nvp) for node:http alone, node:http plus Express's per-request
 * Object.setPrototypeOf(req/res), and Express bare. Deterministic enough to
 * read without interleaving (the count is bytes, not time).
 *
 *   node bench/http/gc-probe/run.mjs [plain proto proto-held proto-dropped express]
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const server = fileURLToPath(new URL('server.mjs', import.meta.url))
const REQUESTS = 10_000
const modes =
  process.argv.length > 2
    ? process.argv.slice(2)
    : ['plain', 'proto', 'proto-held', 'proto-dropped', 'express', 'express-classes', 'express-subclass']
for (const mode of modes) {
  const out = execFileSync(process.execPath, ['--trace-gc', '--trace-gc-nvp', server, mode], {
    encoding: 'utf8',
  })
  const measured = out.slice(out.indexOf('measured\n'))
  let promoted = 0
  let scavenges = 0
  for (const line of measured.split('\n')) {
    if (!line.includes(' gc=s ')) continue
    scavenges++
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0)
  }
  const cpu = /cpu=(\d+)/.exec(measured)?.[1]
  process.stdout.write(
    `${mode.padEnd(8)} ${cpu} µs CPU/request (server and load in one process), ${String(Math.round(promoted / REQUESTS)).padStart(6)} B/request promoted, ${scavenges} scavenges per ${REQUESTS} requests\n`,
  )
}
