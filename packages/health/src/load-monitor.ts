import { type EventLoopUtilization, performance } from 'node:perf_hooks'
import type { LoadSheddingConfig } from './options.ts'

/** What the process looked like over the last sample window. */
export interface LoadSample {
  /** Longest event-loop lag seen in the window, in ms. */
  eventLoopDelayMs: number
  /** Share of the window the event loop was busy (0–1). */
  eventLoopUtilization: number
  heapUsedBytes: number
  rssBytes: number
}

/** Lag is measured by a short timer: how late it fires is how long the loop was blocked. */
const TICK_MS = 25

/**
 * Measures event-loop lag, utilisation, heap and RSS, and decides whether the
 * process is overloaded. (perf_hooks.monitorEventLoopDelay misses a single
 * long block on Node 20, so lag is measured with our own timer.) It trips at
 * once — on the first late tick — and recovers only after a whole window
 * under every threshold, so a struggling process does not flap.
 */
export class LoadMonitor {
  latest: LoadSample = { eventLoopDelayMs: 0, eventLoopUtilization: 0, heapUsedBytes: 0, rssBytes: 0 }
  /** Why the process is overloaded (e.g. "event-loop delay 1204 ms > 1000 ms"); undefined when it is not. */
  overloadReason: string | undefined
  #limits: LoadSheddingConfig | false
  #windowMs: number
  #timer: NodeJS.Timeout | undefined
  #lastTick = 0
  #windowStart = 0
  #windowMaxLag = 0
  #elu: EventLoopUtilization | undefined
  #onChange: ((reason: string | undefined) => void) | undefined

  /** `onChange` hears when the process becomes overloaded (with the reason) and when it recovers. */
  constructor(
    limits: LoadSheddingConfig | false,
    windowMs: number,
    onChange?: (reason: string | undefined) => void,
  ) {
    this.#limits = limits
    this.#windowMs = windowMs
    this.#onChange = onChange
  }

  get overloaded(): boolean {
    return this.overloadReason !== undefined
  }

  start(): void {
    if (this.#timer) return
    this.#lastTick = this.#windowStart = performance.now()
    this.#elu = performance.eventLoopUtilization()
    this.#sampleMemory()
    this.#timer = setInterval(() => this.#tick(), TICK_MS)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  #tick(): void {
    const now = performance.now()
    const lag = Math.max(0, now - this.#lastTick - TICK_MS)
    this.#lastTick = now
    if (lag > this.#windowMaxLag) this.#windowMaxLag = lag
    const limits = this.#limits
    if (limits && limits.maxEventLoopDelayMs > 0 && lag > limits.maxEventLoopDelayMs) {
      this.#setReason(`event-loop delay ${Math.round(lag)} ms > ${limits.maxEventLoopDelayMs} ms`)
    }
    if (now - this.#windowStart >= this.#windowMs) this.#closeWindow(now)
  }

  #closeWindow(now: number): void {
    const elu = performance.eventLoopUtilization()
    const utilization = this.#elu ? performance.eventLoopUtilization(elu, this.#elu).utilization : 0
    this.#elu = elu
    this.latest.eventLoopDelayMs = Math.round(this.#windowMaxLag)
    this.latest.eventLoopUtilization = Math.round(utilization * 1000) / 1000
    this.#sampleMemory()
    this.#windowStart = now
    this.#windowMaxLag = 0
    this.#setReason(this.#limits ? exceeded(this.latest, this.#limits) : undefined)
  }

  #setReason(reason: string | undefined): void {
    const changed = (reason === undefined) !== (this.overloadReason === undefined)
    this.overloadReason = reason
    if (changed) this.#onChange?.(reason)
  }

  #sampleMemory(): void {
    const memory = process.memoryUsage()
    this.latest.heapUsedBytes = memory.heapUsed
    this.latest.rssBytes = memory.rss
  }
}

function exceeded(sample: LoadSample, limits: LoadSheddingConfig): string | undefined {
  if (limits.maxEventLoopDelayMs > 0 && sample.eventLoopDelayMs > limits.maxEventLoopDelayMs) {
    return `event-loop delay ${sample.eventLoopDelayMs} ms > ${limits.maxEventLoopDelayMs} ms`
  }
  if (limits.maxEventLoopUtilization > 0 && sample.eventLoopUtilization > limits.maxEventLoopUtilization) {
    return `event-loop utilisation ${sample.eventLoopUtilization} > ${limits.maxEventLoopUtilization}`
  }
  if (limits.maxHeapUsedBytes > 0 && sample.heapUsedBytes > limits.maxHeapUsedBytes) {
    return `heap used ${mb(sample.heapUsedBytes)} > ${mb(limits.maxHeapUsedBytes)}`
  }
  if (limits.maxRssBytes > 0 && sample.rssBytes > limits.maxRssBytes) {
    return `RSS ${mb(sample.rssBytes)} > ${mb(limits.maxRssBytes)}`
  }
  return undefined
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`
}
