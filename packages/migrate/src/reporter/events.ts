import type { Finding } from '../checks/rules.ts'

/**
 * The steps of `kit release`, in the order they run. `env` is reported by the
 * CLI (it validates the environment before calling release()); for the
 * embedded PGlite `lock` comes before `connect`, since the data directory may
 * only be opened by the lock holder.
 */
export type ReleaseStep = 'env' | 'connect' | 'lock' | 'pending' | 'check' | 'backup' | 'apply' | 'unlock'

export type StepStatus = 'ok' | 'skipped' | 'failed'

export interface StepResult {
  step: ReleaseStep
  status: StepStatus
  durationMs: number
  /** One line for humans: "3 pending", "held by pid 4242"... */
  detail?: string
}

/** Everything release() and the migrate commands tell a reporter, in order. */
export type ReleaseEvent =
  | { type: 'step-start'; step: ReleaseStep }
  | ({ type: 'step-end' } & StepResult)
  | { type: 'waiting'; waitedMs: number; holder: string }
  | { type: 'migration-start'; name: string; direction: 'up' | 'down'; transaction: boolean }
  | { type: 'migration-end'; name: string; direction: 'up' | 'down'; durationMs: number; attempts: number }
  | { type: 'retry'; name: string; attempt: number; delayMs: number; reason: string }
  | { type: 'finding'; finding: Finding }
  | { type: 'warning'; message: string }
  | { type: 'summary'; ok: boolean; durationMs: number; applied: string[]; message: string }

export type ReleaseReporter = (event: ReleaseEvent) => void
