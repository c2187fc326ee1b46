import { type Logger, pino } from 'pino'
import type { RequestFacts } from './request-line.ts'
import { FAST_LINE } from './symbols.ts'

const { lsCacheSym, timeSym, chindingsSym, streamSym, endSym, messageKeySym } = pino.symbols
/** Set by pino.multistream() on a stream that wants the line's level and object besides its text. */
const NEEDS_METADATA = Symbol.for('pino.metadata')

type PinoInternals = Record<symbol, any> & { levels: { values: Record<string, number> } }

/** Route templates and methods repeat: their JSON form is built once (bounded, a route table is finite). */
const quoted = new Map<string, string>()
const MAX_QUOTED = 2000
function quoteRepeated(value: string): string {
  let json = quoted.get(value)
  if (json === undefined) {
    json = JSON.stringify(value)
    if (quoted.size < MAX_QUOTED) quoted.set(value, json)
  }
  return json
}

/**
 * Writes the request line as the exact text pino would (same prefix, time,
 * bindings, key order and end), without handing pino an object to walk: no
 * mixin call, no log formatter, no per-key serializer lookup, no string
 * escaping scan for the values kit already knows to be plain (the request
 * id, numbers) or has seen before (method, route). Only for loggers
 * createLogger() built without app pieces that would change the line
 * (FAST_LINE, set there) and streams that want only text. Returns false
 * when it cannot, and the caller logs through pino. The layout it copies is
 * pino's `_asJson` (docs/internals/logging.md); a test compares the two.
 *
 * `reqId` is the bound id when `log` is not already a child bound to it.
 */
export function writeRequestLine(
  log: Logger,
  level: 'info' | 'error' | 'debug',
  reqId: string | undefined,
  facts: RequestFacts,
  path: string,
  durationMs: number,
  userAgent: string | undefined,
  message: string,
): boolean {
  const pinoLog = log as unknown as PinoInternals
  if (pinoLog[FAST_LINE] !== true) return false
  const stream = pinoLog[streamSym]
  if (stream[NEEDS_METADATA] === true) return false
  const levelNumber = pinoLog.levels.values[level] as number
  let line = pinoLog[lsCacheSym][levelNumber] + pinoLog[timeSym]() + pinoLog[chindingsSym]
  // A safe request id (isSafeRequestId) or a UUID: nothing in it needs escaping.
  if (reqId !== undefined) line += `,"reqId":"${reqId}"`
  if (facts.method !== undefined) line += `,"method":${quoteRepeated(facts.method)}`
  line += `,"path":${JSON.stringify(path)}`
  if (facts.route !== undefined) line += `,"route":${quoteRepeated(facts.route)}`
  line += `,"status":${facts.status},"durationMs":${durationMs}`
  if (facts.ip !== undefined) line += `,"ip":${JSON.stringify(facts.ip)}`
  if (userAgent !== undefined) line += `,"userAgent":${JSON.stringify(userAgent)}`
  if (facts.aborted) line += ',"aborted":true'
  line += `,${quoteRepeated(pinoLog[messageKeySym])}:"${message}"${pinoLog[endSym]}`
  stream.write(line)
  return true
}
