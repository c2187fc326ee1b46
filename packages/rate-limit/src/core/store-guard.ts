import { StoreUnavailableError } from '../stores/redis.ts'
import type { OutageReporter } from './outage-reporter.ts'

interface Pending {
  readonly deadline: number
  settled: boolean
  fail(error: StoreUnavailableError): void
}

/**
 * Every store call goes through here: it is bounded by `timeoutMs` whatever
 * the client's own settings (a request never waits longer on the store), and
 * failures and recoveries are reported (one warning per interval). A
 * synchronous answer (memory store) passes straight through.
 *
 * One sweeping timer serves all pending calls instead of a timer per call
 * (half the cost of a request's bookkeeping): a call is failed at most one
 * tick (a tenth of the timeout) after its deadline.
 */
export class StoreGuard {
  readonly #timeoutMs: number
  readonly #tickMs: number
  readonly #reporter: OutageReporter
  readonly #pending = new Set<Pending>()
  #sweeper: NodeJS.Timeout | undefined

  constructor(timeoutMs: number, reporter: OutageReporter) {
    this.#timeoutMs = timeoutMs
    this.#tickMs = Math.max(5, Math.ceil(timeoutMs / 10))
    this.#reporter = reporter
  }

  run<T>(value: T | Promise<T>): T | Promise<T> {
    if (!(value instanceof Promise)) return value
    const reporter = this.#reporter
    const pendingSet = this.#pending
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        deadline: Date.now() + this.#timeoutMs,
        settled: false,
        fail(error) {
          pending.settled = true
          reporter.failure(error)
          reject(error)
        },
      }
      pendingSet.add(pending)
      this.#startSweeper()
      value.then(
        (result) => {
          if (pending.settled) return
          pending.settled = true
          pendingSet.delete(pending)
          reporter.success()
          resolve(result)
        },
        (error: unknown) => {
          if (pending.settled) return
          pendingSet.delete(pending)
          pending.fail(
            error instanceof StoreUnavailableError
              ? error
              : new StoreUnavailableError('The rate-limit store failed.', { cause: error }),
          )
        },
      )
    })
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
      this.#pending.delete(pending)
      pending.fail(
        new StoreUnavailableError(`The rate-limit store did not answer within ${this.#timeoutMs} ms.`),
      )
    }
  }
}
