import { KitError } from '@kit/internal'
import type { Logger } from 'pino'

/** Catches `app.use(requestLogger)` (Express then passes req as the logger) and non-loggers. */
export function assertLoggerArgument(log: unknown, factory: string): asserts log is Logger {
  const candidate = log as Record<string, unknown> | null | undefined
  if (candidate && typeof candidate === 'object' && 'headers' in candidate && 'method' in candidate) {
    throw new KitError(
      'KIT_LOGGER_NOT_CALLED',
      `It looks like you wrote app.use(${factory}) without calling it. Write app.use(${factory}(log)) with the logger from createLogger().`,
    )
  }
  if (!candidate || typeof candidate.child !== 'function' || typeof candidate.info !== 'function') {
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `${factory}() needs a pino logger as its first argument (from createLogger()); got ${candidate === null ? 'null' : typeof candidate}.`,
    )
  }
}
