import { getHeapStatistics } from 'node:v8'
import type { HealthCheck } from '@kit/internal'
import { LoadMonitor } from '../load-monitor.ts'

export interface EventLoopCheckOptions {
  /** @default 'eventLoop' */
  name?: string
  /** Warn (or fail, when critical) when the event loop lagged longer than this in the last second. @default 200 */
  maxDelayMs?: number
  /** @default false */
  critical?: boolean
}

export interface MemoryCheckOptions {
  /** @default 'memory' */
  name?: string
  /** Warn (or fail, when critical) above this heap use. @default 80% of the V8 heap limit */
  maxHeapUsedBytes?: number
  /** Warn (or fail, when critical) above this resident set size; 0 turns it off. @default 0 */
  maxRssBytes?: number
  /** @default false */
  critical?: boolean
}

let shared: LoadMonitor | undefined

/** One lag sampler for every standalone eventLoopCheck() of the process (its timer is unref'd). */
function sharedMonitor(): LoadMonitor {
  if (!shared) {
    shared = new LoadMonitor(false, 1000)
    shared.start()
  }
  return shared
}

/** Event-loop lag over the last sample window, from `monitor` (createHealth's own) or a shared sampler. */
export function eventLoopCheck(options: EventLoopCheckOptions = {}, monitor?: LoadMonitor): HealthCheck {
  const maxDelayMs = options.maxDelayMs ?? 200
  const source = monitor ?? sharedMonitor()
  return {
    name: options.name ?? 'eventLoop',
    critical: options.critical ?? false,
    check() {
      const delay = source.latest.eventLoopDelayMs
      return {
        status: delay > maxDelayMs ? 'fail' : 'pass',
        observedValue: delay,
        observedUnit: 'ms',
        output: delay > maxDelayMs ? `event loop lagged ${delay} ms (limit ${maxDelayMs} ms)` : undefined,
      }
    },
  }
}

/** Heap in use (and RSS, when a limit is set), read when the check runs. */
export function memoryCheck(options: MemoryCheckOptions = {}): HealthCheck {
  const maxHeap = options.maxHeapUsedBytes ?? Math.floor(getHeapStatistics().heap_size_limit * 0.8)
  const maxRss = options.maxRssBytes ?? 0
  return {
    name: options.name ?? 'memory',
    critical: options.critical ?? false,
    check() {
      const { heapUsed, rss } = process.memoryUsage()
      const problems: string[] = []
      if (maxHeap > 0 && heapUsed > maxHeap) problems.push(`heap used ${mb(heapUsed)} > ${mb(maxHeap)}`)
      if (maxRss > 0 && rss > maxRss) problems.push(`RSS ${mb(rss)} > ${mb(maxRss)}`)
      return {
        status: problems.length ? 'fail' : 'pass',
        observedValue: heapUsed,
        observedUnit: 'bytes',
        output: problems.length ? problems.join('; ') : undefined,
      }
    },
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`
}
