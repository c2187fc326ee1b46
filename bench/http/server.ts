/**
 * One HTTP variant in its own process: `server.ts <variant name>`, started by
 * run.ts or profile.ts with an IPC channel. Sends `{ port }` once listening;
 * answers 'cpu' with process.cpuUsage() (so measuring costs no request),
 * `{ profile: 'start' | 'stop' }` with a CPU profile of the time in between,
 * and exits cleanly on 'exit'.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { VARIANTS, variantByName } from './variants/index.ts'

const name = process.argv[2] ?? ''
const variant = variantByName(name)
if (!variant || !process.send) {
  console.error(`usage: started by bench/http/run.ts; variants: ${VARIANTS.map((v) => v.name).join(', ')}`)
  process.exit(2)
}
const port = await variant.start()
let profiler: Session | undefined
process.on('message', async (message: string | { profile: 'start' } | { profile: 'stop'; file: string }) => {
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage.rss() })
  else if (message === 'exit') process.exit(0)
  else if (typeof message === 'object' && message.profile === 'start') {
    // The inspector's profiler, started and stopped around the measured load only (not start-up).
    profiler = new Session()
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.start')
    process.send!({ profiling: true })
  } else if (typeof message === 'object' && message.profile === 'stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop')
    writeFileSync(message.file, JSON.stringify(profile))
    profiler.disconnect()
    process.send!({ profile: message.file })
  }
})
process.send({ port })
