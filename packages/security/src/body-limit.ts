import type { IncomingMessage } from 'node:http'
import { parse as parseQueryString } from 'node:querystring'
import { compileRoutes } from './csrf.ts'
import { parseSize } from './env.ts'
import { type FrameworkIO, pathOf, refusalBody, sendRefusal } from './io.ts'
import type { EventLog } from './log.ts'
import type { BodyLimitOptions, SecurityEnv } from './options.ts'
import { rejectUnknownKeys } from './suggest.ts'

type Fail = (code: string, message: string) => never

export const DEFAULT_BODY_LIMIT: number = 1024 * 1024
/** Form fields per urlencoded body (body-parser's default), against hash-flooding payloads. */
export const MAX_FORM_FIELDS = 1000

export interface BodyLimitConfig {
  limit: number
  exempt: (req: IncomingMessage, path: string) => boolean
}

export function parseBodyLimit(
  option: BodyLimitOptions | number | string | false | undefined,
  env: SecurityEnv,
  fail: Fail,
): BodyLimitConfig | undefined {
  if (option === false) return undefined
  const opts: BodyLimitOptions =
    typeof option === 'object' ? option : option === undefined ? {} : { limit: option }
  rejectUnknownKeys(opts, ['limit', 'exempt'], 'bodyLimit', (m) => fail('KIT_SECURITY_INVALID_OPTION', m))
  const fromEnv = opts.limit === undefined && env.MAX_UPLOAD_SIZE !== undefined && env.MAX_UPLOAD_SIZE !== ''
  const raw = opts.limit ?? (fromEnv ? env.MAX_UPLOAD_SIZE! : DEFAULT_BODY_LIMIT)
  const limit = parseSize(
    raw,
    fromEnv ? 'MAX_UPLOAD_SIZE' : 'bodyLimit',
    fromEnv ? 'KIT_SECURITY_INVALID_ENV' : 'KIT_SECURITY_INVALID_BODY_LIMIT',
  )
  return { limit, exempt: compileRoutes(opts.exempt, 'bodyLimit.exempt', fail) }
}

export function tooLargeBody(limit: number): string {
  return refusalBody(
    413,
    'Payload Too Large',
    'KIT_SECURITY_BODY_TOO_LARGE',
    `The request body is larger than the ${limit} bytes this server accepts (MAX_UPLOAD_SIZE).`,
  )
}

/**
 * Refuses up front a body whose Content-Length is over the limit, before a
 * byte of it is read (chunked bodies are cut by the parsers while reading).
 * Returns true when it answered 413.
 */
export function applyContentLength<Req, Res>(
  config: BodyLimitConfig,
  body413: string,
  io: FrameworkIO<Req, Res>,
  req: Req,
  res: Res,
  events: EventLog,
): boolean {
  const length = io.raw(req).headers['content-length']
  if (length === undefined) return false
  const limit = io.routeBodyLimit?.(req) ?? config.limit
  if (Number(length) <= limit) return false
  const path = pathOf(io.url(req))
  if (config.exempt(io.raw(req), path)) return false
  events.log(
    'body-limit',
    { path, contentLength: length, limit },
    'refused a request body over the limit (413)',
  )
  sendRefusal(io, res, 413, limit === config.limit ? body413 : tooLargeBody(limit), true)
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
export function describeBodyError(
  error: unknown,
  limit: number,
): { status: number; body: string } | undefined {
  const e = error as { type?: string; status?: number; statusCode?: number } | null
  const status = e?.status ?? e?.statusCode
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined
  if (e?.type === 'entity.too.large' || status === 413) {
    const body =
      e?.type === 'parameters.too.many'
        ? refusalBody(
            413,
            'Payload Too Large',
            'KIT_SECURITY_TOO_MANY_FIELDS',
            `A form may have at most ${MAX_FORM_FIELDS} fields.`,
          )
        : tooLargeBody(limit)
    return { status: 413, body }
  }
  if (e?.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: refusalBody(
        400,
        'Bad Request',
        'KIT_SECURITY_MALFORMED_BODY',
        'The request body is not valid JSON.',
      ),
    }
  }
  if (status === 415) {
    return {
      status: 415,
      body: refusalBody(
        415,
        'Unsupported Media Type',
        'KIT_SECURITY_UNSUPPORTED_ENCODING',
        'The body encoding or charset is not supported.',
      ),
    }
  }
  return {
    status,
    body: refusalBody(
      status,
      'Bad Request',
      'KIT_SECURITY_MALFORMED_BODY',
      'The request body could not be read.',
    ),
  }
}
