import type { KitLogger } from '@kit/internal'
import { type FrameworkIO, pathOf, refusalBody, sendRefusal } from '../io.ts'
import { createEventLog, type EventLog } from '../log.ts'
import type { CspConfig } from './policy.ts'
import type { Refuse, ReportAnswer } from './report-answer.ts'

export interface CspReportEndpoint {
  readonly path: string
  /** Undefined when the request is not a POST to the endpoint; otherwise answers it (never rejects). */
  handle<Req, Res>(io: FrameworkIO<Req, Res>, req: Req, res: Res): Promise<void> | undefined
}

/**
 * The built-in violation endpoint: matches POSTs to `reportPath` and hands
 * them to report-answer.ts. That file (the report parser with it) is loaded
 * on the first report, not at start-up: most apps never receive one, and
 * start-up pays to parse every file it loads (docs/internals/startup.md).
 * The request body is not read until then, so nothing of it is lost.
 */
export function createCspReportEndpoint(
  config: CspConfig,
  log: KitLogger,
  events: EventLog,
): CspReportEndpoint | undefined {
  const path = config.reportPath
  if (path === undefined) return undefined
  const routed = pathOf(path)
  let answer: Promise<ReportAnswer> | undefined
  const load = (): Promise<ReportAnswer> => {
    answer ??= import('./report-answer.ts').then((m) =>
      m.createReportAnswer(config, {
        events,
        violations: createEventLog(log, config.reportLogsPerMinute),
        refuse,
      }),
    )
    // A failed load is retried by the next report rather than remembered.
    answer.catch(() => {
      answer = undefined
    })
    return answer
  }

  return {
    path,
    handle(io, req, res) {
      const raw = io.raw(req)
      if (raw.method !== 'POST' || pathOf(io.url(req)) !== routed) return undefined
      return load().then(
        (answerReport) =>
          answerReport(io, req, res).catch(() => {
            // Reached only if the response itself failed (client gone): nothing left to answer.
          }),
        (error: unknown) => {
          log.error({ err: error }, 'could not load the CSP report handler')
          sendRefusal(
            io,
            res,
            503,
            refusalBody(503, 'Service Unavailable', 'KIT_SECURITY_BAD_CSP_REPORT', 'Try again later.'),
            true,
          )
        },
      )
    },
  }
}

const refuse: Refuse = (io, res, status, error, message, close) => {
  sendRefusal(io, res, status, refusalBody(status, error, 'KIT_SECURITY_BAD_CSP_REPORT', message), close)
}
