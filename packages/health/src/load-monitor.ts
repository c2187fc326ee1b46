import { type EventLoopUtilization, performance } from 'node:perf_hooks'
import type { LoadSheddingConfig } from './options.ts'
import { OverloadDecision } from './overload-decision.ts'

/** What the process looked like over the last sample. */
export interface LoadSample {
  /** Longest event-loop lag seen in the sample, in ms. */
  eventLoopDelayMs: number
  /** Share of the sample the event loop was busy (0–1). */
  eventLoopUtilization: number
  heapUsedBytes: number
  rssBytes: number
}

/** Lag is measured by a short timer: how late it fires is how long the loop was blocked. */
const TICK_MS = 25

/**
 * Measures event-loop lag, utilisation, heap and RSS once per sample, and
 * hands each sample to the overload decision (sustained, never one sample:
 * see overload-decision.ts). (perf_hooks.monitorEventLoopDelay misses a
 * single long block on Node 20, so lag is measured with our own timer.)
 * Nothing is measured before start(): Health calls it once the server
 * listens, so the app's own start-up work is never counted.
 */
export class LoadMonitor {
  latest: LoadSample = { eventLoopDelayMs: 0, eventLoopUtilization: 0, heapUsedBytes: 0, rssBytes: 0 }
  #decision: OverloadDecision | undefined
  #sampleMs: number
  #timer: NodeJS.Timeout | undefined
  #lastTick = 0
  #sampleStart = 0
  #sampleMaxLag = 0
  #elu: EventLoopUtilization | undefined

  /** `onChange` hears when the process becomes overloaded (with the reason) and when it recovers. */
  constructor(
    limits: LoadSheddingConfig | false,
    sampleMs: number,
    onChange?: (reason: string | undefined) => void,
  ) {
    this.#sampleMs = sampleMs
    this.#decision = limits ? new OverloadDecision(limits, onChange) : undefined
  }

  get overloaded(): boolean {
    return this.overloadReason !== undefined
  }

  /** Why the process is overloaded (e.g. "event-loop delay over 1000 ms in 5 samples in a row"); undefined when it is not. */
  get overloadReason(): string | undefined {
    return this.#decision?.reason
  }

  get started(): boolean {
    return this.#timer !== undefined
  }

  start(): void {
    if (this.#timer) return
    const now = performance.now()
    this.#lastTick = this.#sampleStart = now
    this.#elu = performance.eventLoopUtilization()
    this.#decision?.begin(now)
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
    if (lag > this.#sampleMaxLag) this.#sampleMaxLag = lag
    if (now - this.#sampleStart >= this.#sampleMs) this.#closeSample(now)
  }

  #closeSample(now: number): void {
    const elu = performance.eventLoopUtilization()
    const utilization = this.#elu ? performance.eventLoopUtilization(elu, this.#elu).utilization : 0
    this.#elu = elu
    this.latest.eventLoopDelayMs = Math.round(this.#sampleMaxLag)
    this.latest.eventLoopUtilization = Math.round(utilization * 1000) / 1000
    this.#sampleMemory()
    this.#sampleStart = now
    this.#sampleMaxLag = 0
    this.#decision?.add(this.latest, now)
  }

  #sampleMemory(): void {
    const memory = process.memoryUsage()
    this.latest.heapUsedBytes = memory.heapUsed
    this.latest.rssBytes = memory.rss
  }
}
