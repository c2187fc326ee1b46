import { type KitLogger, redactString } from '@kit/internal'
import type { Counter } from 'prom-client'
import type { AlertNotice } from '../alerts/notice.ts'
import type { NotifyConfig } from '../config.ts'
import { type Notifier, NotifyError } from './notifier.ts'

/**
 * Delivers notices in the background: each notifier on its own, every
 * attempt bounded by a timeout, failures logged (without the webhook URL)
 * and retried with exponential backoff. Nothing here is awaited by a request
 * or by the evaluation timer; close() waits a bounded time for what is in
 * flight, then aborts it.
 */
export class Dispatcher {
  readonly #notifiers: Notifier[]
  readonly #config: NotifyConfig
  readonly #log: KitLogger
  readonly #counter: Counter<'notifier' | 'result'>
  readonly #inFlight = new Set<Promise<void>>()
  readonly #closing = new AbortController()

  constructor(
    notifiers: Notifier[],
    config: NotifyConfig,
    log: KitLogger,
    counter: Counter<'notifier' | 'result'>,
  ) {
    this.#notifiers = notifiers
    this.#config = config
    this.#log = log
    this.#counter = counter
  }

  get notifierNames(): string[] {
    return this.#notifiers.map((n) => n.name)
  }

  /** Starts delivering `notice` through every notifier and returns at once. */
  dispatch(notice: AlertNotice): void {
    if (this.#closing.signal.aborted) return
    for (const notifier of this.#notifiers) {
      const task = this.#deliver(notifier, notice).finally(() => this.#inFlight.delete(task))
      this.#inFlight.add(task)
    }
  }

  /** Counts a notice another instance announced (the lock was taken). */
  skipped(): void {
    for (const notifier of this.#notifiers) this.#counter.inc({ notifier: notifier.name, result: 'skipped' })
  }

  /** Waits up to `timeoutMs` for deliveries in flight, then aborts them. */
  async close(timeoutMs: number): Promise<void> {
    const pending = [...this.#inFlight]
    if (pending.length) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled(pending),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs)
        }),
      ])
      clearTimeout(timer)
    }
    this.#closing.abort(new Error('@kit/metrics is closing'))
    await Promise.allSettled([...this.#inFlight])
  }

  async #deliver(notifier: Notifier, notice: AlertNotice): Promise<void> {
    const retries = notifier.retries ?? this.#config.retries
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#config.timeoutMs)])
      try {
        await abortable(
          Promise.resolve().then(() => notifier.send(notice, signal)),
          signal,
        )
        this.#counter.inc({ notifier: notifier.name, result: 'sent' })
        return
      } catch (error) {
        const permanent = error instanceof NotifyError && error.permanent
        const last = permanent || attempt > retries || this.#closing.signal.aborted
        const detail = {
          notifier: notifier.name,
          rule: notice.rule,
          state: notice.state,
          attempt,
          err: { message: redactString(describeFailure(error, signal, this.#config.timeoutMs)) },
        }
        if (last) {
          this.#counter.inc({ notifier: notifier.name, result: 'failed' })
          this.#log.error(detail, `@kit/metrics: the ${notifier.name} alert notice could not be delivered`)
          return
        }
        this.#log.warn(detail, `@kit/metrics: the ${notifier.name} alert notice failed; retrying`)
        const backoff = this.#config.retryDelayMs * 2 ** (attempt - 1)
        const wait =
          error instanceof NotifyError && error.retryAfterMs !== undefined
            ? Math.max(backoff, error.retryAfterMs)
            : backoff
        await sleep(wait, this.#closing.signal)
      }
    }
  }
}

/** Stops waiting when `signal` aborts, even if the notifier ignores it. */
function abortable<T>(task: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    task.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    timer.unref()
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}

function describeFailure(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted && (error === signal.reason || (error as Error)?.name === 'TimeoutError')) {
    return (signal.reason as Error)?.name === 'TimeoutError'
      ? `no answer within ${timeoutMs} ms`
      : 'aborted at shutdown'
  }
  const err = error as Error & { cause?: { code?: string; message?: string } }
  const cause = err?.cause?.code ?? err?.cause?.message
  return `${err?.message ?? String(error)}${cause ? ` (${cause})` : ''}`
}
