/**
 * CPU profile of one variant of server.ts under load, to see where a
 * variant's time goes. Writes a .cpuprofile (open it in Chrome DevTools) and
 * prints the top self-time functions.
 * Run: pnpm exec tsx bench/rate-limit/profile.ts 'express + @kit/rate-limit (redis)'
 */
import { fork } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { startThrowawayRedis } from '../../packages/test-utils/src/index.ts'

const name = process.argv[2] ?? 'express + @kit/rate-limit (redis)'
const dir = join(tmpdir(), `kit-rate-limit-profile-${process.pid}`)
const redis = await startThrowawayRedis()
const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [name], {
  execArgv: ['--import', 'tsx', '--conditions=@kit/source', '--cpu-prof', `--cpu-prof-dir=${dir}`],
  env: { ...process.env, NODE_ENV: 'production', REDIS_URL: redis.url },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const port = await new Promise<number>((resolve) =>
  child.once('message', (m: { port: number }) => resolve(m.port)),
)
await autocannon({
  url: `http://127.0.0.1:${port}/hello`,
  connections: 10,
  duration: Number(process.env.DURATION ?? 6),
})
child.send('exit')
await new Promise((resolve) => child.once('exit', resolve))
await redis.destroy()

const file = join(dir, readdirSync(dir)[0]!)
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
}
const counts = new Map<number, number>()
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
const total = profile.samples.length
const byFunction = new Map<string, number>()
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, '')}:${lineNumber + 1}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + (counts.get(node.id) ?? 0))
}
console.log(`${file}\n${name}: top self time of ${total} samples`)
for (const [key, count] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((100 * count) / total).toFixed(1).padStart(5)}%  ${key}`)
}
