import { KitError, type ShutdownHook } from '@kit/internal'
import { activeSdk, getSentryState } from './state.ts'

/**
 * Waits until queued events are sent (at most `timeoutMs`); true when the
 * queue drained, and also when Sentry is off. Sentry keeps running.
 */
export async function flushSentry(timeoutMs?: number): Promise<boolean> {
  const sdk = activeSdk()
  if (!sdk) return true
  return sdk.flush(timeoutMs ?? getSentryState()?.config.closeTimeoutMs)
}

export interface SentryShutdownHookOptions {
  /** How long close() waits for queued events. @default closeTimeoutMs given to initSentry (2000) */
  timeoutMs?: number
}

/**
 * The shutdown step (DESIGN §7: after the database, before the logger):
 * sends what is queued, so an error thrown just before SIGTERM still
 * arrives, then stops the client. A no-op when Sentry is off.
 */
export function sentryShutdownHook(options: SentryShutdownHookOptions = {}): ShutdownHook {
  const { timeoutMs } = options
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new KitError(
      'KIT_SENTRY_INVALID_OPTION',
      `sentryShutdownHook(): \`timeoutMs\` must be a positive whole number of milliseconds, got ${JSON.stringify(timeoutMs)}.`,
    )
  }
  // Read when shutdown runs, so a hook made before initSentry() still uses its closeTimeoutMs.
  const closeTimeoutMs = () => timeoutMs ?? getSentryState()?.config.closeTimeoutMs ?? 2000
  return {
    name: 'sentry',
    // The hook's own budget leaves the SDK time to give up by itself first.
    get timeoutMs() {
      return closeTimeoutMs() + 1000
    },
    async close() {
      const sdk = activeSdk()
      if (!sdk) return true
      return sdk.close(closeTimeoutMs())
    },
  }
}
