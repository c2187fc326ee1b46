import type { KitLogger } from '@kit/internal'

export interface LogLine {
  level: string
  message: string
  fields: Record<string, unknown>
}

/** A KitLogger that keeps every line it is given, for tests that assert what was logged. */
export function memoryLogger(): KitLogger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: string) =>
    (first: unknown, second?: unknown): void => {
      if (typeof first === 'string') lines.push({ level, message: first, fields: {} })
      else
        lines.push({ level, message: String(second ?? ''), fields: (first ?? {}) as Record<string, unknown> })
    }
  const logger = {
    lines,
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    child: () => logger,
  }
  return logger
}
