import type { IncomingMessage } from 'node:http'
import { parse as parseQueryString } from 'node:querystring'
import { attachRefusal, type ErrorInfo } from '@kit/internal'
import { compileRoutes } from './csrf.ts'
import { parseSize } from './env.ts'
import { type FrameworkIO, pathOf, refusalBody, sendRefusal } from './io.ts'
import type { EventLog } from './log.ts'
import type { BodyLimitOptions, SecurityEnv } from './options.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never

export const DEFAULT_BODY_LIMIT: number = 1024 * 1024
/**
 * The outer bound on a multipart request when `bodyLimit.multipart` is not
 * set: far above what apps' parsers usually allow per file, so it never
 * pre-empts their own limits and errors, yet an app whose parser has no
 * limit (multer's default) is not open to an unbounded upload.
 */
export const DEFAULT_MULTIPART_LIMIT: number = 100 * 1024 * 1024
/** Form fields per urlencoded body (body-parser's default), against hash-flooding payloads. */
export const MAX_FORM_FIELDS = 1000

export interface BodyLimitConfig {
  limit: number
  /** Outer bound on multipart bodies, above the app's multipart parser's own limits (docs/internals/body-limits.md). */
  multipart: number
  exempt: (req: IncomingMessage, path: string) => boolean
}

/** A refusal as the framework's error handler sees it: status, title, KIT_* code and message. */
export type BodyRefusal = Required<Pick<ErrorInfo, 'status' | 'title' | 'code' | 'message'>>

export function parseBodyLimit(
  option: BodyLimitOptions | number | string | false | undefined,
  env: SecurityEnv,
  fail: Fail,
): BodyLimitConfig | undefined {
  if (option === false) return undefined
  const opts: BodyLimitOptions =
    typeof option === 'object' ? option : option === undefined ? {} : { limit: option }
  rejectUnknownKeys(opts, ['limit', 'multipart', 'exempt'], 'bodyLimit', (m) =>
    fail('KIT_SECURITY_INVALID_OPTION', m),
  )
  const fromEnv = opts.limit === undefined && env.MAX_UPLOAD_SIZE !== undefined && env.MAX_UPLOAD_SIZE !== ''
  const raw = opts.limit ?? (fromEnv ? env.MAX_UPLOAD_SIZE! : DEFAULT_BODY_LIMIT)
  const limit = parseSize(
    raw,
    fromEnv ? 'MAX_UPLOAD_SIZE' : 'bodyLimit',
    fromEnv ? 'KIT_SECURITY_INVALID_ENV' : 'KIT_SECURITY_INVALID_BODY_LIMIT',
  )
  const multipart =
    opts.multipart === undefined
      ? DEFAULT_MULTIPART_LIMIT
      : parseSize(opts.multipart, 'bodyLimit.multipart', 'KIT_SECURITY_INVALID_BODY_LIMIT')
  return { limit, multipart, exempt: compileRoutes(opts.exempt, 'bodyLimit.exempt', fail) }
}

export function tooLargeRefusal(limit: number, setting = 'MAX_UPLOAD_SIZE'): BodyRefusal {
  return {
    status: 413,
    title: 'Payload Too Large',
    code: 'KIT_SECURITY_BODY_TOO_LARGE',
    message: `The request body is larger than the ${limit} bytes this server accepts (${setting}).`,
  }
}

export function tooLargeBody(limit: number, setting?: string): string {
  const { status, title, code, message } = tooLargeRefusal(limit, setting)
  return refusalBody(status, title, code, message)
}

const MULTIPART = /^multipart\/form-data\b/i

/**
 * The limit kit's Content-Length check applies to this request. Multipart
 * bodies are read by the app's multipart parser (multer, @fastify/multipart)
 * under its own limits, so kit's limit, sized for JSON and forms, would
 * pre-empt them; they get `bodyLimit.multipart` instead, an outer bound
 * (100 MiB unless set) that only stops uploads no parser limit would
 * (docs/internals/body-limits.md).
 */
function limitFor<Req, Res>(
  config: BodyLimitConfig,
  io: FrameworkIO<Req, Res>,
  req: Req,
): { limit: number; setting: string } {
  const type = io.raw(req).headers['content-type']
  if (type !== undefined && MULTIPART.test(type))
    return { limit: config.multipart, setting: 'bodyLimit.multipart' }
  return { limit: io.routeBodyLimit?.(req) ?? config.limit, setting: 'MAX_UPLOAD_SIZE' }
}

/**
 * Refuses up front a body whose Content-Length is over the limit, before a
 * byte of it is read (chunked bodies are cut by the parsers while reading).
 * Returns true when it answered 413; with `pass`, it answers nothing and
 * returns the framework's own too-large error (marked with kit's refusal)
 * for the caller to hand to the framework's error handling, so an app's
 * error handler renders it (docs/internals/body-limits.md).
 */
export function applyContentLength<Req, Res>(
  config: BodyLimitConfig,
  body413: string,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  events: EventLog,
  pass: boolean,
): boolean | Error {
  const length = io.raw(req).headers['content-length']
  if (length === undefined) return false
  const { limit, setting } = limitFor(config, io, req)
  if (Number(length) <= limit) return false
  const path = pathOf(io.url(req))
  if (config.exempt(io.raw(req), path)) return false
  events.log(
    'body-limit',
    { path, contentLength: length, limit },
    'refused a request body over the limit (413)',
  )
  if (pass && io.tooLargeError) {
    // The body is never read: close the connection rather than drain it (what sendRefusal does).
    io.setHeader(res, 'Connection', 'close')
    return attachRefusal(io.tooLargeError(Number(length), limit), tooLargeRefusal(limit, setting))
  }
  const body =
    limit === config.limit && setting === 'MAX_UPLOAD_SIZE' ? body413 : tooLargeBody(limit, setting)
  sendRefusal(io, res, 413, body, true)
  return true
}

/** Parses a urlencoded form like Express's `urlencoded({ extended: false })`; undefined when it has too many fields. */
export function parseForm(text: string): Record<string, string | string[]> | undefined {
  let fields = 0
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    if (++fields >= MAX_FORM_FIELDS) return undefined
  }
  return Object.assign(Object.create(null), parseQueryString(text, '&', '=', { maxKeys: MAX_FORM_FIELDS }))
}

/** Maps a body-parser error (Express) to kit's refusal, or undefined for errors that are not the client's. */
export function describeBodyError(error: unknown, limit: number): BodyRefusal | undefined {
  const e = error as { type?: string; status?: number; statusCode?: number } | null
  const status = e?.status ?? e?.statusCode
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined
  if (e?.type === 'entity.too.large' || status === 413) {
    if (e?.type !== 'parameters.too.many') return tooLargeRefusal(limit)
    const message = `A form may have at most ${MAX_FORM_FIELDS} fields.`
    return { status: 413, title: 'Payload Too Large', code: 'KIT_SECURITY_TOO_MANY_FIELDS', message }
  }
  if (e?.type === 'entity.parse.failed') {
    const message = 'The request body is not valid JSON.'
    return { status: 400, title: 'Bad Request', code: 'KIT_SECURITY_MALFORMED_BODY', message }
  }
  if (status === 415) {
    const message = 'The body encoding or charset is not supported.'
    return {
      status: 415,
      title: 'Unsupported Media Type',
      code: 'KIT_SECURITY_UNSUPPORTED_ENCODING',
      message,
    }
  }
  const message = 'The request body could not be read.'
  return { status, title: 'Bad Request', code: 'KIT_SECURITY_MALFORMED_BODY', message }
}
