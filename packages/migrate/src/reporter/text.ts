import type { ReleaseEvent, ReleaseReporter, ReleaseStep } from './events.ts'

export interface TextReporterOptions {
  /** Where lines go: a stream, or anything with `write(text)`. @default process.stdout */
  stream?: { write(text: string): unknown; isTTY?: boolean }
  /** A live progress line (rewritten in place) instead of plain lines. @default stream.isTTY and not CI */
  live?: boolean
}

const LABEL: Record<ReleaseStep, string> = {
  env: 'validate env',
  connect: 'connect',
  lock: 'take the release lock',
  pending: 'list pending migrations',
  check: 'check for unsafe operations',
  backup: 'backup',
  apply: 'apply migrations',
  unlock: 'release the lock',
}

const MARK = { ok: '✓', skipped: '-', failed: '✗' } as const

/**
 * Human output for `kit release`: each step with its duration. On a terminal
 * the running step is a live line with a ticking timer; in CI and Heroku
 * logs every event is one plain line, so logs stay greppable.
 */
export function createTextReporter(options: TextReporterOptions = {}): ReleaseReporter {
  const stream = options.stream ?? process.stdout
  const live = options.live ?? (Boolean(stream.isTTY) && !process.env.CI)
  let current: { label: string; started: number } | undefined
  let ticker: NodeJS.Timeout | undefined
  const clearLine = () => {
    if (live && current) stream.write('\r\x1b[2K')
  }
  const line = (text: string) => {
    clearLine()
    stream.write(`${text}\n`)
    drawLive()
  }
  const drawLive = () => {
    if (!live || !current) return
    const seconds = ((Date.now() - current.started) / 1000).toFixed(1)
    stream.write(`\r\x1b[2K… ${current.label} ${seconds}s`)
  }
  const stopTicker = () => {
    if (ticker) clearInterval(ticker)
    ticker = undefined
  }

  return (event: ReleaseEvent) => {
    switch (event.type) {
      case 'step-start':
        current = { label: LABEL[event.step], started: Date.now() }
        if (live) {
          drawLive()
          stopTicker()
          ticker = setInterval(drawLive, 100)
          ticker.unref()
        }
        return
      case 'step-end': {
        stopTicker()
        clearLine()
        current = undefined
        const detail = event.detail ? ` (${event.detail})` : ''
        const time = event.status === 'skipped' ? '' : ` ${formatMs(event.durationMs)}`
        stream.write(`${MARK[event.status]} ${LABEL[event.step]}${time}${detail}\n`)
        return
      }
      case 'waiting':
        return line(`  waiting for the release lock, ${event.holder} (${formatMs(event.waitedMs)} so far)`)
      case 'migration-start':
        return line(
          `  ${event.direction === 'up' ? '↑' : '↓'} ${event.name}${event.transaction ? '' : ' (no transaction)'}`,
        )
      case 'migration-end':
        return line(
          `    done in ${formatMs(event.durationMs)}${event.attempts > 1 ? ` after ${event.attempts} attempts` : ''}`,
        )
      case 'retry':
        return line(`    ${event.reason}; retry ${event.attempt} in ${formatMs(event.delayMs)}`)
      case 'finding': {
        const f = event.finding
        const status = f.acknowledged ? `acknowledged (${f.acknowledgedBy})` : 'UNSAFE'
        return line(
          `  ${status}: ${f.message} [${f.rule}]\n    ${f.statement}${f.acknowledged ? '' : `\n    ${f.recipe}`}`,
        )
      }
      case 'warning':
        return line(`  warning: ${event.message}`)
      case 'summary':
        stopTicker()
        clearLine()
        current = undefined
        stream.write(`${event.ok ? MARK.ok : MARK.failed} ${event.message} (${formatMs(event.durationMs)})\n`)
        return
    }
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}
