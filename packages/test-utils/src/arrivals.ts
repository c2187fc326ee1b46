/**
 * Event-driven waits for local test servers (webhook receiver, Sentry
 * ingest): a test waits until what it expects has arrived, never for a guessed
 * delay. The server calls `notify()` after each arrival.
 */
export interface Arrivals {
  notify(): void
  /** Resolves with `find()`'s first defined answer; rejects after `timeoutMs` with `failure()`. */
  waitFor<T>(find: () => T | undefined, timeoutMs: number, failure: () => string): Promise<T>
}

export function createArrivals(): Arrivals {
  const waiters = new Set<() => void>()
  return {
    notify() {
      for (const wake of waiters) wake()
    },
    waitFor(find, timeoutMs, failure) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find()
          if (found === undefined) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(failure()))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
  }
}
