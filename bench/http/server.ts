/**
 * One HTTP variant in its own process: `server.ts <variant name>`, started by
 * run.ts or profile.ts with an IPC channel. Sends `{ port }` once listening;
 * answers 'cpu' with process.cpuUsage() (so measuring costs no request),
 * `{ profile: 'start' | 'stop' }` with a CPU profile of the time in between,
 * `{ gc: 'start' | 'stop' }` with the garbage collections in between (count
 * and main-thread pause per kind, heap used), `{ heap: 'start' | 'stop' }` with
 * a sampling heap profile, and exits cleanly on 'exit'.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import { VARIANTS, variantByName } from './variants/index.ts'

const name = process.argv[2] ?? ''
const variant = variantByName(name)
if (!variant || !process.send) {
  console.error(`usage: started by bench/http/run.ts; variants: ${VARIANTS.map((v) => v.name).join(', ')}`)
  process.exit(2)
}
const port = await variant.start()
let profiler: Session | undefined
// GC kinds of perf_hooks' 'gc' entries (detail.kind): 1 minor (scavenge), 2 major (mark-compact), 4 incremental marking, 8 weak callbacks.
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' }
let gcObserver: PerformanceObserver | undefined
let gcs: Record<string, { count: number; ms: number }> = {}
type Message =
  | string
  | { profile: 'start' }
  | { profile: 'stop'; file: string }
  | { gc: 'start' }
  | { gc: 'stop' }
  | { heap: 'start'; minor?: boolean }
  | { heap: 'stop'; file: string }
process.on('message', async (message: Message) => {
  if (message === 'cpu') process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage.rss() })
  else if (typeof message === 'object' && 'gc' in message && message.gc === 'start') {
    gcs = {}
    gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = GC_KINDS[(entry.detail as { kind: number }).kind] ?? 'other'
        const seen = gcs[kind] ?? { count: 0, ms: 0 }
        gcs[kind] = seen
        seen.count++
        seen.ms += entry.duration
      }
    })
    gcObserver.observe({ entryTypes: ['gc'] })
    process.send!({ gc: 'started' })
  } else if (typeof message === 'object' && 'gc' in message && message.gc === 'stop') {
    // Entries are delivered asynchronously: one turn later, the last ones are in.
    await new Promise((resolve) => setImmediate(resolve))
    gcObserver?.disconnect()
    const heap = getHeapStatistics()
    process.send!({ gcs, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size })
  } else if (typeof message === 'object' && 'heap' in message && message.heap === 'start') {
    // The sampling heap profiler, keeping what major GCs collected (objects that outlived a
    // scavenge and died later), and with `minor` what scavenges collected too: allocation by function.
    profiler = new Session()
    profiler.connect()
    await profiler.post('HeapProfiler.enable')
    await profiler.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: message.minor ?? false,
    })
    process.send!({ sampling: true })
  } else if (typeof message === 'object' && 'heap' in message && message.heap === 'stop' && profiler) {
    const { profile } = await profiler.post('HeapProfiler.stopSampling')
    writeFileSync(message.file, JSON.stringify(profile))
    profiler.disconnect()
    process.send!({ heapProfile: message.file })
  } else if (message === 'exit') process.exit(0)
  else if (typeof message === 'object' && 'profile' in message && message.profile === 'start') {
    // The inspector's profiler, started and stopped around the measured load only (not start-up).
    profiler = new Session()
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.start')
    process.send!({ profiling: true })
  } else if (typeof message === 'object' && 'profile' in message && message.profile === 'stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop')
    writeFileSync(message.file, JSON.stringify(profile))
    profiler.disconnect()
    process.send!({ profile: message.file })
  }
})
process.send({ port })
