import { KitError, type KitLogger } from '@kit/internal'
import { describeError } from './check-runner.ts'

type TaskState = { state: 'pending' } | { state: 'done' } | { state: 'failed'; reason: string }

/**
 * What readiness waits for before the first 200: the tasks given to
 * waitFor() (connections, the app's own awaits) and the signal that the
 * server listens (markStarted(), which attach() calls). A failed task keeps
 * readiness 503 for good: the platform replaces the instance.
 */
export class StartupTasks {
  #tasks = new Map<string, TaskState>()
  #started = false
  #log: KitLogger
  #unnamed = 0

  constructor(log: KitLogger) {
    this.#log = log
  }

  add(name: string | undefined, task: PromiseLike<unknown> | undefined): void {
    if (!task || typeof task.then !== 'function') {
      throw new KitError(
        'KIT_HEALTH_INVALID_TASK',
        'waitFor() needs a promise, e.g. health.waitFor("db", knex.raw("select 1")).',
      )
    }
    const key = name ?? `task ${++this.#unnamed}`
    const entry: TaskState = { state: 'pending' }
    this.#tasks.set(key, entry)
    task.then(
      () => this.#tasks.set(key, { state: 'done' }),
      (error: unknown) => {
        const reason = describeError(error)
        this.#tasks.set(key, { state: 'failed', reason })
        this.#log.error({ task: key, reason }, `startup task "${key}" failed: readiness stays 503`)
      },
    )
  }

  markStarted(): void {
    this.#started = true
  }

  get complete(): boolean {
    if (!this.#started) return false
    for (const task of this.#tasks.values()) if (task.state !== 'done') return false
    return true
  }

  /** Why startup is not complete, e.g. "waiting for: db, migrations"; undefined once it is. */
  describe(): string | undefined {
    if (this.complete) return undefined
    const pending: string[] = []
    const failed: string[] = []
    for (const [name, task] of this.#tasks) {
      if (task.state === 'pending') pending.push(name)
      if (task.state === 'failed') failed.push(`${name} (${task.reason})`)
    }
    const parts: string[] = []
    if (failed.length) parts.push(`startup failed: ${failed.join(', ')}`)
    if (pending.length) parts.push(`waiting for: ${pending.join(', ')}`)
    if (!this.#started) parts.push('server not started')
    return parts.join('; ')
  }
}
