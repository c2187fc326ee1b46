import { StoreUnavailableError } from '../stores/redis.ts'
import type { OutageReporter } from './outage-reporter.ts'

/**
 * Every store call goes through here: it is bounded by `timeoutMs` whatever
 * the client's own settings (a request never waits longer on the store), and
 * failures and recoveries are reported (one warning per interval). A
 * synchronous answer (memory store) passes straight through, without a timer.
 */
export class StoreGuard {
  readonly #timeoutMs: number
  readonly #reporter: OutageReporter

  constructor(timeoutMs: number, reporter: OutageReporter) {
    this.#timeoutMs = timeoutMs
    this.#reporter = reporter
  }

  run<T>(value: T | Promise<T>): T | Promise<T> {
    if (!(value instanceof Promise)) return value
    const reporter = this.#reporter
    const timeoutMs = this.#timeoutMs
    return new Promise<T>((resolve, reject) => {
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        const error = new StoreUnavailableError(`The rate-limit store did not answer within ${timeoutMs} ms.`)
        reporter.failure(error)
        reject(error)
      }, timeoutMs)
      value.then(
        (result) => {
          if (timedOut) return
          clearTimeout(timer)
          reporter.success()
          resolve(result)
        },
        (error: unknown) => {
          if (timedOut) return
          clearTimeout(timer)
          const unavailable =
            error instanceof StoreUnavailableError
              ? error
              : new StoreUnavailableError('The rate-limit store failed.', { cause: error })
          reporter.failure(error)
          reject(unavailable)
        },
      )
    })
  }
}
