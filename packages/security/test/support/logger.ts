import type { KitLogger } from '@kit/internal'
import { MemoryStream } from '@kit/test-utils'
import pino from 'pino'

/** A real pino logger writing JSON lines to memory. */
export function memoryLogger(): {
  log: KitLogger
  lines: () => Record<string, any>[]
  warnings: () => Record<string, any>[]
} {
  const stream = new MemoryStream()
  const log = pino({ level: 'debug' }, stream)
  return {
    log,
    lines: () => stream.lines(),
    warnings: () => stream.lines().filter((l) => l.level === 40),
  }
}
