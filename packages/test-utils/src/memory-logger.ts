import type { KitLogger } from '@kit/internal'

export interface LogLine {
  level: string
  message: string
  fields: Record<string, unknown>
}

export interface MemoryLogger extends KitLogger {
  /** Every line, in order. */
  lines: LogLine[]
  /** The messages logged at `level` (every level when omitted). */
  messages(level?: string): string[]
  /** Everything logged, fields included, as text: for "the secret was never logged" assertions. */
  text(): string
}

/** A KitLogger that keeps every line it is given, for tests that assert what was logged. */
export function memoryLogger(): MemoryLogger {
  const lines: LogLine[] = []
  const at =
    (level: string) =>
    (first: unknown, second?: unknown): void => {
      if (typeof first === 'string') lines.push({ level, message: first, fields: {} })
      else
        lines.push({ level, message: String(second ?? ''), fields: (first ?? {}) as Record<string, unknown> })
    }
  const logger: MemoryLogger = {
    lines,
    messages: (level) => lines.filter((l) => level === undefined || l.level === level).map((l) => l.message),
    text: () => lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields)}`).join('\n'),
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
