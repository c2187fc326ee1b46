import { performance } from 'node:perf_hooks'
import type { ReleaseReporter, ReleaseStep, StepResult, StepStatus } from './reporter/events.ts'

/** What a step body may say about how it went. */
export interface StepOutcome<T> {
  value: T
  detail?: string
  status?: StepStatus
}

/**
 * Times the steps of a run, reports each start and end, and keeps the list
 * for the summary. A step that throws is reported as failed and rethrown.
 */
export class StepTimer {
  readonly results: StepResult[] = []
  readonly #report: ReleaseReporter

  constructor(report: ReleaseReporter) {
    this.#report = report
  }

  async run<T>(step: ReleaseStep, body: () => Promise<StepOutcome<T>>): Promise<T> {
    const started = performance.now()
    this.#report({ type: 'step-start', step })
    try {
      const outcome = await body()
      this.#end(step, outcome.status ?? 'ok', started, outcome.detail)
      return outcome.value
    } catch (error) {
      this.#end(step, 'failed', started, error instanceof Error ? firstLine(error.message) : undefined)
      throw error
    }
  }

  skip(step: ReleaseStep, detail: string): void {
    this.#report({ type: 'step-start', step })
    this.#end(step, 'skipped', performance.now(), detail)
  }

  #end(step: ReleaseStep, status: StepStatus, started: number, detail: string | undefined): void {
    const result: StepResult = { step, status, durationMs: Math.round(performance.now() - started) }
    if (detail !== undefined) result.detail = detail
    this.results.push(result)
    this.#report({ type: 'step-end', ...result })
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? ''
  return line.length > 160 ? `${line.slice(0, 157)}...` : line
}
