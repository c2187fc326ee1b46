import type { KitLogger, ShutdownHook } from '@kit/internal'
import { describeError } from './check-runner.ts'
import type { ServerDrain } from './drain.ts'
import { orderHooks } from './shutdown-phases.ts'

export interface ShutdownOutcome {
  /** 0 when everything closed in time, 1 when a hook failed or the deadline passed. */
  exitCode: 0 | 1
  timedOut: boolean
  /** Hooks that threw or passed their own timeout. */
  failedHooks: string[]
  durationMs: number
}

export interface ShutdownPlan {
  reason: string
  readinessDelayMs: number
  deadlineMs: number
  hookTimeoutMs: number
  drains: readonly ServerDrain[]
  /** In registration order; they run phase by phase (shutdown-phases.ts), in reverse within a phase. */
  hooks: readonly ShutdownHook[]
  log: KitLogger
}

/**
 * DESIGN §7: readiness is already 503 when this starts → readiness delay →
 * stop accepting and drain → hooks phase by phase, each with its own
 * timeout → done. A hard deadline resolves with exit code 1 and a log line
 * naming what hung, whatever the sequence is waiting for.
 */
export function runShutdown(plan: ShutdownPlan): Promise<ShutdownOutcome> {
  const { log } = plan
  const startedAt = Date.now()
  const failedHooks: string[] = []
  let phase = 'waiting for the readiness delay'
  let phaseStartedAt = startedAt
  let cancelled = false
  const enter = (next: string) => {
    phase = next
    phaseStartedAt = Date.now()
  }

  return new Promise<ShutdownOutcome>((resolve) => {
    const deadline = setTimeout(() => {
      cancelled = true
      const now = Date.now()
      const inFlight = plan.drains.flatMap((d) => d.describeInFlight(now))
      log.fatal(
        { reason: plan.reason, phase, phaseMs: now - phaseStartedAt, inFlight, failedHooks },
        `shutdown deadline of ${plan.deadlineMs} ms passed while ${phase} (for ${now - phaseStartedAt} ms)` +
          (inFlight.length ? `; requests still in flight: ${inFlight.join(', ')}` : '') +
          '; exiting with code 1',
      )
      for (const drain of plan.drains) drain.destroy()
      resolve({ exitCode: 1, timedOut: true, failedHooks, durationMs: now - startedAt })
    }, plan.deadlineMs)

    const sequence = async (): Promise<void> => {
      log.info(
        { reason: plan.reason, deadlineMs: plan.deadlineMs, readinessDelayMs: plan.readinessDelayMs },
        `graceful shutdown started (${plan.reason})`,
      )
      // Two turns of the event loop: requests and connections that reached the
      // process before the signal are read before idle connections are closed.
      await nextTurn()
      await nextTurn()
      if (plan.readinessDelayMs > 0) await sleep(plan.readinessDelayMs)
      enter(`draining ${plan.drains.length} server(s)`)
      const draining = Promise.all(plan.drains.map((d) => d.drain()))
      const inFlight = plan.drains.reduce((sum, d) => sum + d.inFlightCount, 0)
      log.info({ inFlight }, `stopped accepting connections; ${inFlight} request(s) in flight`)
      await draining
      log.info({ durationMs: Date.now() - startedAt }, 'server closed: every request in flight has finished')
      for (const hook of orderHooks(plan.hooks)) {
        if (cancelled) return
        enter(`running shutdown hook "${hook.name}"`)
        const error = await runHook(hook, hook.timeoutMs ?? plan.hookTimeoutMs)
        const durationMs = Date.now() - phaseStartedAt
        if (error) {
          failedHooks.push(hook.name)
          log.error({ hook: hook.name, durationMs, error }, `shutdown hook "${hook.name}" failed: ${error}`)
        } else {
          log.info({ hook: hook.name, phase: hook.phase, durationMs }, `shutdown hook "${hook.name}" closed`)
        }
      }
    }

    sequence().then(
      () => finish(),
      (error) => {
        log.error({ error: describeError(error) }, 'graceful shutdown failed')
        failedHooks.push('(shutdown sequence)')
        finish()
      },
    )

    function finish(): void {
      if (cancelled) return
      clearTimeout(deadline)
      const durationMs = Date.now() - startedAt
      const exitCode = failedHooks.length ? 1 : 0
      log.info({ durationMs, exitCode, failedHooks }, `graceful shutdown complete in ${durationMs} ms`)
      resolve({ exitCode, timedOut: false, failedHooks, durationMs })
    }
  })
}

/** Resolves with an error description, or undefined when the hook closed within its timeout. */
async function runHook(hook: ShutdownHook, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not finish within ${timeoutMs} ms`), timeoutMs)
  })
  try {
    const closed = Promise.resolve()
      .then(() => hook.close())
      .then(
        () => undefined,
        (error: unknown) => describeError(error),
      )
    return await Promise.race([closed, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
