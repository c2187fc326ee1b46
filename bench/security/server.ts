/**
 * One benchmarked app in its own process: `server.ts <variant>` prints
 * `listening <port>`; each line "cpu" on stdin is answered with the
 * process's CPU time in µs, so the runner can compute CPU per request.
 */
import { createInterface } from 'node:readline'
import { createApp, VARIANTS, type Variant } from './apps.ts'

const variant = process.argv[2] as Variant
if (!VARIANTS.includes(variant)) {
  console.error(`usage: server.ts <${VARIANTS.join('|')}>`)
  process.exit(2)
}
const port = await (await createApp(variant)).listen()
console.log(`listening ${port}`)
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') {
    const { user, system } = process.cpuUsage()
    console.log(`cpu ${user + system}`)
  }
})
process.stdin.on('end', () => process.exit(0))
