import type { HealthCheck, HealthCheckResult, HealthStatus, KitLogger } from '@kit/internal'
import { redactString } from '@kit/internal'

/** What one run of a check concluded, as shown in the report. */
export interface CheckOutcome {
  name: string
  critical: boolean
  status: HealthStatus
  observedValue?: number | string | boolean
  observedUnit?: string
  output?: string
  /** When the result was obtained (ISO 8601): cached results keep their original time. */
  time: string
  durationMs: number
}

const MAX_OUTPUT = 200

interface Running {
  promise: Promise<CheckOutcome>
  startedAt: number
  abandoned: boolean
  outcome?: CheckOutcome
}

/**
 * Runs one check with its timeout and cache. Concurrent probes share the run
 * in progress (a dependency is asked once, however many probes arrive), but
 * each waits at most the check's timeout; a run that outlives its timeout is
 * abandoned so the next probe starts afresh instead of joining a hung call.
 */
export class CheckRunner {
  readonly name: string
  readonly critical: boolean
  readonly timeoutMs: number
  readonly cacheForMs: number
  #check: HealthCheck['check']
  #log: KitLogger
  #running: Running | undefined
  #cached: { outcome: CheckOutcome; at: number } | undefined
  #lastStatus: HealthStatus = 'pass'

  /** `minIntervalMs` is a floor under `cacheForMs`: health routes skip rate limits, so a flood of probes must not become a flood of queries. */
  constructor(check: HealthCheck, defaults: { timeoutMs: number; minIntervalMs: number }, log: KitLogger) {
    this.name = check.name
    this.critical = check.critical ?? true
    this.timeoutMs = check.timeoutMs ?? defaults.timeoutMs
    this.cacheForMs = Math.max(check.cacheForMs ?? 0, defaults.minIntervalMs)
    this.#check = check.check
    this.#log = log
  }

  run(): Promise<CheckOutcome> {
    const now = Date.now()
    if (this.#cached && now - this.#cached.at < this.cacheForMs) return Promise.resolve(this.#cached.outcome)
    const running = this.#running
    const remaining = running ? this.timeoutMs - (now - running.startedAt) : 0
    if (running && remaining > 0) return withTimeout(running.promise, remaining, () => this.#abandon(running))
    const current: Running = { startedAt: now, abandoned: false, promise: undefined as never }
    // A result that arrives after its timeout is dropped: the probe already reported the timeout.
    current.promise = this.#invoke(now).then((outcome) => {
      if (this.#running === current) this.#running = undefined
      return current.abandoned ? outcome : this.#settle(outcome)
    })
    this.#running = current
    return withTimeout(current.promise, this.timeoutMs, () => this.#abandon(current))
  }

  async #invoke(startedAt: number): Promise<CheckOutcome> {
    try {
      const result = await this.#check()
      return this.#outcome(startedAt, result ?? undefined)
    } catch (error) {
      return this.#outcome(startedAt, { status: 'fail', output: describeError(error) })
    }
  }

  #abandon(running: Running): CheckOutcome {
    if (!running.abandoned) {
      running.abandoned = true
      if (this.#running === running) this.#running = undefined
      running.outcome = this.#timedOut(running.startedAt)
    }
    return running.outcome!
  }

  #timedOut(startedAt: number): CheckOutcome {
    return this.#settle(
      this.#outcome(startedAt, { status: 'fail', output: `timed out after ${this.timeoutMs} ms` }),
    )
  }

  #outcome(startedAt: number, result: HealthCheckResult | undefined): CheckOutcome {
    const durationMs = Date.now() - startedAt
    let status: HealthStatus = result?.status ?? 'pass'
    // A non-critical failure only warns: readiness stays 200.
    if (status === 'fail' && !this.critical) status = 'warn'
    const outcome: CheckOutcome = {
      name: this.name,
      critical: this.critical,
      status,
      time: new Date().toISOString(),
      durationMs,
    }
    if (result?.observedValue !== undefined) {
      outcome.observedValue = result.observedValue
      if (result.observedUnit) outcome.observedUnit = result.observedUnit
    } else {
      outcome.observedValue = durationMs
      outcome.observedUnit = 'ms'
    }
    if (result?.output) outcome.output = clean(result.output)
    return outcome
  }

  /** Caches the outcome and logs transitions only (a failing probe every 5 s would flood the logs). */
  #settle(outcome: CheckOutcome): CheckOutcome {
    this.#cached = { outcome, at: Date.now() }
    if (outcome.status !== this.#lastStatus) {
      const fields = { check: this.name, status: outcome.status, output: outcome.output }
      if (outcome.status === 'pass') this.#log.info(fields, `health check "${this.name}" recovered`)
      else if (outcome.status === 'fail') this.#log.error(fields, `health check "${this.name}" failed`)
      else this.#log.warn(fields, `health check "${this.name}" warns`)
      this.#lastStatus = outcome.status
    }
    return outcome
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

/** A one-line, secret-free reason: never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    let message = error.message
    // pg and net report "connection refused" to several addresses as an AggregateError without message.
    if (!message && error instanceof AggregateError) {
      const first = error.errors[0]
      message = first instanceof Error ? first.message : ''
    }
    return clean([code, message].filter(Boolean).join(': ') || error.name)
  }
  return clean(typeof error === 'string' ? error : 'check failed')
}

function clean(text: string): string {
  const firstLine = redactString(String(text)).split('\n', 1)[0] ?? ''
  return firstLine.length > MAX_OUTPUT ? `${firstLine.slice(0, MAX_OUTPUT - 1)}…` : firstLine
}
