import { totalmem } from 'node:os'
import { performance } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import type { SlidingWindow } from './window.ts'

const TICK_MS = 100
const MEMORY_EVERY_TICKS = 10

/**
 * Feeds the eventLoopDelay and memory rules. Lag is how late a 100 ms timer
 * fires (perf_hooks' monitorEventLoopDelay misses a single long block on
 * Node 20), recorded with a weight of the ticks it covered, so that a 2 s
 * stall counts as 2 s of lag and not as one sample among hundreds. Memory is
 * sampled every second as the larger of heap used / V8 heap limit and RSS /
 * the container's limit (cgroup, through process.constrainedMemory()).
 */
export class ProcessSampler {
  readonly #eventLoop: SlidingWindow | undefined
  readonly #memory: SlidingWindow | undefined
  readonly #heapLimit = getHeapStatistics().heap_size_limit
  readonly #memoryLimit = containerMemoryLimit()
  #timer: NodeJS.Timeout | undefined
  #last = 0
  #ticks = 0

  constructor(eventLoop: SlidingWindow | undefined, memory: SlidingWindow | undefined) {
    this.#eventLoop = eventLoop
    this.#memory = memory
  }

  start(): void {
    if (this.#timer || (!this.#eventLoop && !this.#memory)) return
    this.#last = performance.now()
    this.#sampleMemory(this.#last)
    this.#timer = setInterval(() => this.#tick(), TICK_MS)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** The memory ratio now (0–1), as the memory rule sees it. */
  memoryRatio(): number {
    const { heapUsed, rss } = process.memoryUsage()
    const heap = heapUsed / this.#heapLimit
    return this.#memoryLimit ? Math.max(heap, rss / this.#memoryLimit) : heap
  }

  #tick(): void {
    const now = performance.now()
    const elapsed = now - this.#last
    this.#last = now
    const lag = Math.max(0, elapsed - TICK_MS)
    this.#eventLoop?.record(lag, now, false, Math.max(1, Math.round(elapsed / TICK_MS)))
    if (++this.#ticks % MEMORY_EVERY_TICKS === 0) this.#sampleMemory(now)
  }

  #sampleMemory(now: number): void {
    this.#memory?.record(this.memoryRatio(), now)
  }
}

/** The cgroup memory limit, or undefined when the process is not constrained (Node reports 2^64 then). */
function containerMemoryLimit(): number | undefined {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.()
  return limit && limit > 0 && limit < totalmem() ? limit : undefined
}
