import type { LoadSample } from './load-monitor.ts'
import type { LoadSheddingConfig } from './options.ts'

/**
 * Turns samples into "overloaded or not", so that only sustained overload of
 * a serving process counts (docs/health-and-shutdown.md, "Load shedding"):
 *
 * - samples taken during the warm-up after start-up are not counted (module
 *   loading, JIT, first connections and the app's own start-up work);
 * - the process becomes overloaded only after `sustainedMs` worth of samples
 *   in a row each broke a limit. One block of the loop, however long (a GC
 *   pause, a slow synchronous call, a machine that descheduled us), ends
 *   inside a single sample, so it can never trip this on its own;
 * - it recovers after as many samples in a row under every limit, so a
 *   struggling process does not flap between shedding and serving.
 */
export class OverloadDecision {
  /** Set while overloaded: the limit that was broken in the last breaching sample. */
  reason: string | undefined
  #limits: LoadSheddingConfig
  #needed: number
  #onChange: ((reason: string | undefined) => void) | undefined
  #countFrom = 0
  #over = 0
  #under = 0

  constructor(limits: LoadSheddingConfig, onChange?: (reason: string | undefined) => void) {
    this.#limits = limits
    this.#needed = Math.max(1, Math.ceil(limits.sustainedMs / limits.sampleIntervalMs))
    this.#onChange = onChange
  }

  /** Monitoring starts at `now` (performance.now()); the warm-up runs from here. */
  begin(now: number): void {
    this.#countFrom = now + this.#limits.warmUpMs
    this.#over = 0
    this.#under = 0
  }

  add(sample: LoadSample, now: number): void {
    if (now < this.#countFrom) return
    const breach = exceeded(sample, this.#limits)
    if (breach) {
      this.#over++
      this.#under = 0
      if (this.#over < this.#needed) return
      const wasOverloaded = this.reason !== undefined
      this.reason = `${breach} in ${this.#needed} sample${this.#needed === 1 ? '' : 's'} in a row`
      if (!wasOverloaded) this.#onChange?.(this.reason)
      return
    }
    this.#under++
    this.#over = 0
    if (this.reason !== undefined && this.#under >= this.#needed) {
      this.reason = undefined
      this.#onChange?.(undefined)
    }
  }
}

function exceeded(sample: LoadSample, limits: LoadSheddingConfig): string | undefined {
  if (limits.maxEventLoopDelayMs > 0 && sample.eventLoopDelayMs > limits.maxEventLoopDelayMs) {
    return `event-loop delay over ${limits.maxEventLoopDelayMs} ms`
  }
  if (limits.maxEventLoopUtilization > 0 && sample.eventLoopUtilization > limits.maxEventLoopUtilization) {
    return `event-loop utilisation over ${limits.maxEventLoopUtilization}`
  }
  if (limits.maxHeapUsedBytes > 0 && sample.heapUsedBytes > limits.maxHeapUsedBytes) {
    return `heap used over ${mb(limits.maxHeapUsedBytes)}`
  }
  if (limits.maxRssBytes > 0 && sample.rssBytes > limits.maxRssBytes) {
    return `RSS over ${mb(limits.maxRssBytes)}`
  }
  return undefined
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`
}
