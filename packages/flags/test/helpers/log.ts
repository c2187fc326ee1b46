import type { KitLogger } from '@kit/internal'

export interface LogLine {
  level: string
  message: string
  data: Record<string, unknown> | undefined
}

/** A KitLogger that keeps every line, to assert what was (and was not) logged. */
export function memoryLogger(): { log: KitLogger; lines: LogLine[]; messages(level?: string): string[] } {
  const lines: LogLine[] = []
  const write =
    (level: string) =>
    (objOrMessage: unknown, message?: string): void => {
      if (typeof objOrMessage === 'string') lines.push({ level, message: objOrMessage, data: undefined })
      else lines.push({ level, message: message ?? '', data: objOrMessage as Record<string, unknown> })
    }
  const log: KitLogger = {
    fatal: write('fatal'),
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    trace: write('trace'),
    child: () => log,
  }
  return {
    log,
    lines,
    messages: (level) =>
      lines.filter((line) => level === undefined || line.level === level).map((l) => l.message),
  }
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
