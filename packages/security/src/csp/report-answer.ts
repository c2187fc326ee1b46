import type { IncomingMessage } from 'node:http'
// Type-only imports of io.ts and log.ts: a value import would make esbuild
// move them into a chunk of their own, one more file for start-up to load
// (the helpers come in through `ReportTools` instead).
import type { FrameworkIO } from '../io.ts'
import type { EventLog } from '../log.ts'
import type { CspConfig } from './policy.ts'
import { parseViolations, violationKey } from './report-parser.ts'

const ACCEPTED_TYPES = new Set(['application/csp-report', 'application/reports+json', 'application/json'])
const MAX_REMEMBERED = 1000

/** What report-endpoint.ts hands over: the security event log, the violation log, and the 4xx answer. */
export interface ReportTools {
  events: EventLog
  violations: EventLog
  refuse: Refuse
}
export type Refuse = <Req, Res>(
  io: FrameworkIO<Req, Res>,
  res: Res,
  status: number,
  error: string,
  message: string,
  close: boolean,
) => void

export type ReportAnswer = <Req, Res>(io: FrameworkIO<Req, Res>, req: Req, res: Res) => Promise<void>

/**
 * Answers one POST to the violation endpoint: accepts both report formats,
 * logs each distinct violation once (at most `reportLogsPerMinute` a minute),
 * and answers junk with 4xx and a rate-limited log line, never a 500.
 * Loaded on the first report (see report-endpoint.ts), not at start-up.
 */
export function createReportAnswer(config: CspConfig, tools: ReportTools): ReportAnswer {
  const { events, violations, refuse } = tools
  const seen = new Set<string>()
  const maxBytes = config.reportMaxBytes

  return async <Req, Res>(io: FrameworkIO<Req, Res>, req: Req, res: Res): Promise<void> => {
    const raw = io.raw(req)
    const type = (raw.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (!ACCEPTED_TYPES.has(type)) {
      events.log(
        'csp-report',
        { contentType: type.slice(0, 100) },
        'refused a CSP report with an unexpected content type',
      )
      return refuse(
        io,
        res,
        415,
        'Unsupported Media Type',
        'Send application/csp-report or application/reports+json.',
        true,
      )
    }
    const body = await readBody(raw, maxBytes)
    if (body === 'too-large') {
      events.log('csp-report', { limit: maxBytes }, 'refused a CSP report over the size limit')
      return refuse(io, res, 413, 'Payload Too Large', `Reports are limited to ${maxBytes} bytes.`, true)
    }
    const parsed = body === undefined ? undefined : parseViolations(body)
    if (parsed === undefined) {
      events.log('csp-report', { bytes: body?.length ?? 0 }, 'refused a malformed CSP report')
      return refuse(io, res, 400, 'Bad Request', 'The body is not a CSP violation report.', false)
    }
    for (const violation of parsed) {
      const key = violationKey(violation)
      if (seen.has(key)) continue
      if (seen.size >= MAX_REMEMBERED) seen.clear()
      seen.add(key)
      violations.log('csp-violation', { csp: violation }, 'Content-Security-Policy violation')
    }
    io.setHeader(res, 'Cache-Control', 'no-store')
    io.send(res, 204, undefined)
  }
}

/** The body as text, 'too-large' past maxBytes (reading stops), undefined if the client aborted. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | 'too-large' | undefined> {
  const declared = Number(req.headers['content-length'])
  if (declared > maxBytes) return Promise.resolve('too-large')
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (result: string | 'too-large' | undefined): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      resolve(result)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) finish('too-large')
      else chunks.push(chunk)
    }
    const onEnd = (): void => finish(Buffer.concat(chunks).toString('utf8'))
    const onError = (): void => finish(undefined)
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}
