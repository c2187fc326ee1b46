/**
 * The request line written as text (request-line-json.ts) must be exactly
 * what pino writes for the same fields, or kit's line would drift from the
 * documented one the day pino changes its layout.
 */
import { MemoryStream } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { bindRequestLogger } from '../src/bind-request-logger.ts'
import { createLogger, type LoggerOptions } from '../src/index.ts'
import type { RequestFacts } from '../src/request-line.ts'
import { writeRequestLine } from '../src/request-line-json.ts'
import { SAFE_FIELDS } from '../src/symbols.ts'

const env = { NODE_ENV: 'production' }
const ID = '2c6f6b0e-3d4a-4d5e-9f1a-7b8c9d0e1f2a'
/** What kit writes: the adapter's facts with the scrubbed path and the duration. */
interface LineFields extends Omit<RequestFacts, 'url'> {
  path: string
  durationMs: number
}
const FIELDS: LineFields = {
  method: 'GET',
  path: '/caf\u00e9/"quoted"\\back\nline',
  route: '/caf\u00e9/:name',
  status: 200,
  durationMs: 1.25,
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 "x" \u2028',
  aborted: false,
}

function both(options: LoggerOptions, fields: LineFields, bound: boolean) {
  const fast = new MemoryStream()
  const slow = new MemoryStream()
  const make = (out: MemoryStream) => {
    const root = createLogger({ timestamp: false, service: 'shop', ...options, destination: out }, { env })
    return bound ? bindRequestLogger(root, ID) : root
  }
  const facts = { ...fields, url: fields.path }
  const wrote = writeRequestLine(
    make(fast),
    'info',
    bound ? undefined : ID,
    facts,
    fields.path,
    fields.durationMs,
    fields.userAgent,
    'request completed',
  )
  const { method, path, route, status, durationMs, ip, userAgent, aborted } = fields
  const line: Record<string | symbol, unknown> = {
    [SAFE_FIELDS]: true,
    ...{ method, path, route, status, durationMs, ip, userAgent },
  }
  if (aborted) line.aborted = true
  const viaPino = make(slow)
  viaPino.info(bound ? line : { reqId: ID, ...line }, 'request completed')
  return { wrote, fast: fast.text(), slow: slow.text() }
}

describe('the request line written as text', () => {
  it.each([
    ['through the bound child', true],
    ['through the root, with reqId in the line', false],
  ])('is byte for byte what pino writes %s', (_name, bound) => {
    const { wrote, fast, slow } = both({}, FIELDS, bound)
    expect(wrote).toBe(true)
    expect(fast).toBe(slow)
  })

  it('matches pino with fields left out, an abort, a custom messageKey, crlf and the time', () => {
    const fields = { ...FIELDS, route: undefined, userAgent: undefined, ip: undefined, aborted: true }
    const { fast, slow } = both({ messageKey: 'message', crlf: true }, fields, true)
    expect(fast).toBe(slow)
    const timed = both({ timestamp: true }, FIELDS, true)
    expect(timed.fast.replace(/"time":\d+/, '')).toBe(timed.slow.replace(/"time":\d+/, ''))
  })

  it.each<[string, LoggerOptions]>([
    ['a level formatter', { formatters: { level: (label) => ({ severity: label }) } }],
    ['a log formatter', { formatters: { log: (object) => object } }],
    ['a mixin', { mixin: () => ({ tenant: 'acme' }) }],
    ['a redact path', { redact: ['ip'] }],
    ['a serializer on a line key', { serializers: { path: (path: string) => path } }],
    ['a nested key', { nestedKey: 'http' }],
    ['a message prefix', { msgPrefix: '[web] ' }],
  ])('leaves the line to pino with %s', (_name, options) => {
    expect(both(options, FIELDS, true).wrote).toBe(false)
  })
})
