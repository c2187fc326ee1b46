import { MemoryStream } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { createJsonReporter, createTextReporter, type ReleaseEvent } from '../src/index.ts'

const EVENTS: ReleaseEvent[] = [
  { type: 'step-start', step: 'connect' },
  { type: 'step-end', step: 'connect', status: 'ok', durationMs: 12, detail: 'postgres' },
  { type: 'step-start', step: 'lock' },
  { type: 'waiting', waitedMs: 0, holder: 'held by Postgres backend pid 42' },
  { type: 'step-end', step: 'lock', status: 'ok', durationMs: 2300 },
  { type: 'step-start', step: 'backup' },
  { type: 'step-end', step: 'backup', status: 'skipped', durationMs: 0, detail: 'not requested' },
  { type: 'step-start', step: 'apply' },
  { type: 'migration-start', name: '001_a.js', direction: 'up', transaction: false },
  { type: 'retry', name: '001_a.js', attempt: 1, delayMs: 1000, reason: 'lock not granted within 5000 ms' },
  { type: 'migration-end', name: '001_a.js', direction: 'up', durationMs: 1500, attempts: 2 },
  { type: 'step-end', step: 'apply', status: 'ok', durationMs: 1600, detail: '1 applied' },
  {
    type: 'summary',
    ok: true,
    durationMs: 4000,
    applied: ['001_a.js'],
    message: 'Applied 1 migration(s) in batch 3.',
  },
]

describe('createTextReporter()', () => {
  it('writes one plain line per step with its duration when not on a terminal (CI, Heroku logs)', () => {
    const stream = new MemoryStream()
    const report = createTextReporter({ stream, live: false })
    for (const event of EVENTS) report(event)
    expect(stream.text()).toBe(
      [
        '✓ connect 12 ms (postgres)',
        '  waiting for the release lock, held by Postgres backend pid 42 (0 ms so far)',
        '✓ take the release lock 2.3 s',
        '- backup (not requested)',
        '  ↑ 001_a.js (no transaction)',
        '    lock not granted within 5000 ms; retry 1 in 1.0 s',
        '    done in 1.5 s after 2 attempts',
        '✓ apply migrations 1.6 s (1 applied)',
        '✓ Applied 1 migration(s) in batch 3. (4.0 s)',
        '',
      ].join('\n'),
    )
  })

  it('draws a live progress line that is rewritten in place on a terminal', () => {
    const stream = new MemoryStream()
    const report = createTextReporter({ stream, live: true })
    report({ type: 'step-start', step: 'apply' })
    report({ type: 'step-end', step: 'apply', status: 'failed', durationMs: 5, detail: 'boom' })
    const text = stream.text()
    expect(text).toContain('\r\x1b[2K… apply migrations 0.0s')
    expect(text.endsWith('\r\x1b[2K✗ apply migrations 5 ms (boom)\n')).toBe(true)
  })
})

describe('createJsonReporter()', () => {
  it('writes one JSON object per event, ending with the summary', () => {
    const stream = new MemoryStream()
    const report = createJsonReporter({ stream })
    for (const event of EVENTS) report(event)
    const lines = stream.lines()
    expect(lines).toHaveLength(EVENTS.length)
    expect(lines[1]).toMatchObject({
      type: 'step-end',
      step: 'connect',
      status: 'ok',
      durationMs: 12,
      time: expect.any(String),
    })
    expect(lines.at(-1)).toMatchObject({ type: 'summary', ok: true, applied: ['001_a.js'] })
  })
})
