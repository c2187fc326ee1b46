import type { KitLogger } from '@kit/internal'
import { type LogLine, memoryLogger as sharedMemoryLogger } from '@kit/test-utils'

/** @kit/test-utils' memoryLogger, in the `{ log, lines, messages }` shape these tests destructure. */
export function memoryLogger(): { log: KitLogger; lines: LogLine[]; messages(level?: string): string[] } {
  const log = sharedMemoryLogger()
  return { log, lines: log.lines, messages: log.messages }
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
