import { InFlightEntry, InFlightList } from '@kit/internal'
import { StoreUnavailableError } from '../stores/redis.ts'
import type { OutageReporter } from './outage-reporter.ts'

/** One store call waiting for its answer, listed until it settles. */
class Pending extends InFlightEntry {
  settled = false
  readonly deadline: number
  readonly report: boolean
  readonly onFailure: (error: StoreUnavailableError) => void

  constructor(deadline: number, report: boolean, onFailure: (error: StoreUnavailableError) => void) {
    super()
    this.deadline = deadline
    this.report = report
    this.onFailure = onFailure
  }
}

/** While the store is known to be down, how often a probe asks whether it is back. */
export const PROBE_INTERVAL_MS = 1000

/**
 * Every store call goes through here: it is bounded by `timeoutMs` whatever
 * the client's own settings, and failures and recoveries are reported (one
 * warning per interval). A synchronous answer (memory store) passes
 * straight through.
 *
 * The first failure marks the store down. While it is down no call is sent:
 * each fails at once (fail-open tiers let the request through, fail-closed
 * ones answer 503) and a background probe, one at a time, asks the store
 * every PROBE_INTERVAL_MS; its first answer (or any call that still
 * answers) marks it up. So one request waits for a hung store at most once
 * — its first call; the auth tier and the failed-login limiter do not each
 * wait in turn — and no request waits while the outage lasts, even when the
 * client still says "ready" (a SIGSTOPped or partitioned Redis).
 *
 * One sweeping timer serves all pending calls instead of a timer per call:
 * a call is failed at most one tick (a tenth of the timeout) after its deadline.
 * Pending calls are kept in an InFlightList, not a Set: a Set that gains and
 * loses an entry per request can keep every request alive through
 * scavenges (docs/internals/in-flight-tracking.md).
 */
export class StoreGuard {
  readonly #timeoutMs: number
  readonly #tickMs: number
  readonly #reporter: OutageReporter
  readonly #probe: () => unknown
  readonly #pending = new InFlightList<Pending>()
  #sweeper: NodeJS.Timeout | undefined
  #down = false
  #probeTimer: NodeJS.Timeout | undefined
  #closed = false

  /** `probe` is a cheap store call (Redis: a one-line script) used only while the store is down. */
  constructor(timeoutMs: number, reporter: OutageReporter, probe: () => unknown) {
    this.#timeoutMs = timeoutMs
    this.#tickMs = Math.max(5, Math.ceil(timeoutMs / 10))
    this.#reporter = reporter
    this.#probe = probe
  }

  /** True from the first failed call until a probe (or a call) gets an answer. */
  get down(): boolean {
    return this.#down
  }

  /** Runs `call` against the store, unless the store is known to be down. */
  run<T>(call: () => T | Promise<T>): T | Promise<T> {
    if (this.#down) return this.refuseWhileDown()
    const value = call()
    if (!(value instanceof Promise)) return value
    return this.#bounded(value, true)
  }

  /**
   * The limiter's form of run() (no closure, no promise of its own): check
   * `down` first (downError()), call the store, then track() an answer that
   * is a promise.
   */
  downError(): StoreUnavailableError {
    const error = new StoreUnavailableError(
      'The rate-limit store is unavailable; it is skipped until a probe gets an answer.',
    )
    this.#reporter.failure(error)
    return error
  }

  refuseWhileDown(): Promise<never> {
    return Promise.reject(this.downError())
  }

  bound<T>(value: Promise<T>): Promise<T> {
    return this.#bounded(value, true)
  }

  /** Bounds `value` like bound(), calling back instead of returning a promise. */
  track<T>(
    value: Promise<T>,
    onAnswer: (result: T) => void,
    onFailure: (error: StoreUnavailableError) => void,
  ): void {
    this.#track(value, true, onAnswer, onFailure)
  }

  /** Stops probing (shutdown). */
  close(): void {
    this.#closed = true
    clearTimeout(this.#probeTimer)
  }

  #bounded<T>(value: Promise<T>, report: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => this.#track(value, report, resolve, reject))
  }

  #track<T>(
    value: Promise<T>,
    report: boolean,
    onAnswer: (result: T) => void,
    onFailure: (error: StoreUnavailableError) => void,
  ): void {
    const pendingList = this.#pending
    const pending = new Pending(Date.now() + this.#timeoutMs, report, onFailure)
    pendingList.add(pending)
    this.#startSweeper()
    value.then(
      (result) => {
        if (pending.settled) return
        pending.settled = true
        pendingList.remove(pending)
        this.#answered()
        onAnswer(result)
      },
      (error: unknown) => {
        if (pending.settled) return
        pendingList.remove(pending)
        this.#fail(
          pending,
          error instanceof StoreUnavailableError
            ? error
            : new StoreUnavailableError('The rate-limit store failed.', { cause: error }),
        )
      },
    )
  }

  #fail(pending: Pending, error: StoreUnavailableError): void {
    pending.settled = true
    if (pending.report) this.#failed(error)
    pending.onFailure(error)
  }

  #failed(error: StoreUnavailableError): void {
    this.#reporter.failure(error)
    if (this.#down) return
    this.#down = true
    this.#scheduleProbe(0)
  }

  #answered(): void {
    this.#down = false
    this.#reporter.success()
  }

  #scheduleProbe(delayMs: number): void {
    if (this.#closed || this.#probeTimer !== undefined) return
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = undefined
      this.#runProbe()
    }, delayMs)
    this.#probeTimer.unref()
  }

  #runProbe(): void {
    if (!this.#down) return
    let answer: Promise<unknown>
    try {
      answer = Promise.resolve(this.#probe())
    } catch (error) {
      answer = Promise.reject(error)
    }
    this.#bounded(answer, false).then(
      () => this.#answered(),
      () => this.#scheduleProbe(PROBE_INTERVAL_MS),
    )
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return
    this.#sweeper = setInterval(() => this.#sweep(), this.#tickMs)
    this.#sweeper.unref()
  }

  #sweep(): void {
    if (this.#pending.size === 0) {
      clearInterval(this.#sweeper)
      this.#sweeper = undefined
      return
    }
    const now = Date.now()
    for (const pending of this.#pending) {
      if (pending.deadline > now) continue
      this.#pending.remove(pending)
      this.#fail(
        pending,
        new StoreUnavailableError(`The rate-limit store did not answer within ${this.#timeoutMs} ms.`),
      )
    }
  }
}
