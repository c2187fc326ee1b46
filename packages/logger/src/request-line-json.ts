import { type Logger, pino } from 'pino'
import { FAST_LINE } from './symbols.ts'

const { lsCacheSym, timeSym, chindingsSym, streamSym, endSym, messageKeySym } = pino.symbols
/** Set by pino.multistream() on a stream that wants the line's level and object besides its text. */
const NEEDS_METADATA = Symbol.for('pino.metadata')

type PinoInternals = Record<symbol, any> & { levels: { values: Record<string, number> } }

/** The fields of the request line once scrubbed (request-line.ts), all of them strings or numbers kit made. */
export interface LineFields {
  method: string | undefined
  path: string
  route: string | undefined
  status: number
  durationMs: number
  ip: string | undefined
  userAgent: string | undefined
  aborted: boolean
}

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
  fields: LineFields,
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
  if (fields.method !== undefined) line += `,"method":${quoteRepeated(fields.method)}`
  line += `,"path":${JSON.stringify(fields.path)}`
  if (fields.route !== undefined) line += `,"route":${quoteRepeated(fields.route)}`
  line += `,"status":${fields.status},"durationMs":${fields.durationMs}`
  if (fields.ip !== undefined) line += `,"ip":${JSON.stringify(fields.ip)}`
  if (fields.userAgent !== undefined) line += `,"userAgent":${JSON.stringify(fields.userAgent)}`
  if (fields.aborted) line += ',"aborted":true'
  line += `,${quoteRepeated(pinoLog[messageKeySym])}:"${message}"${pinoLog[endSym]}`
  stream.write(line)
  return true
}
