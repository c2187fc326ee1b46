import type { KitLogger } from '@kit/internal'

/**
 * Turns a stream of store failures into one warning per interval (with the
 * number of failures it stands for) and one info line when the store answers
 * again, so an outage never floods the logs with a line per request.
 */
export class OutageReporter {
  readonly #log: KitLogger
  readonly #intervalMs: number
  readonly #store: string
  readonly #failClosed: readonly string[]
  #failing = false
  #warned = false
  #lastWarnAt = Number.NEGATIVE_INFINITY
  /** Failures since the last warning. */
  #failures = 0

  constructor(log: KitLogger, store: string, intervalMs: number, failClosed: readonly string[]) {
    this.#log = log
    this.#store = store
    this.#intervalMs = intervalMs
    this.#failClosed = failClosed
  }

  get failing(): boolean {
    return this.#failing
  }

  failure(error: unknown): void {
    this.#failing = true
    this.#failures++
    const now = Date.now()
    if (now - this.#lastWarnAt < this.#intervalMs) return
    this.#lastWarnAt = now
    this.#warned = true
    const closed = this.#failClosed.length
      ? ` except in the fail-closed tiers (${this.#failClosed.join(', ')}), which answer 503`
      : ''
    this.#log.warn(
      { err: error, store: this.#store, failures: this.#failures },
      `Rate-limit store (${this.#store}) is unavailable: requests pass without limits${closed}. Next warning in ${Math.round(this.#intervalMs / 1000)} s at the earliest.`,
    )
    this.#failures = 0
  }

  success(): void {
    if (!this.#failing) return
    this.#failing = false
    // Only an outage that was announced gets its recovery line: a flapping store logs at most two lines per interval.
    if (!this.#warned) return
    this.#warned = false
    this.#log.info({ store: this.#store }, `Rate-limit store (${this.#store}) answers again: limits apply.`)
  }
}
