import { createDebug } from '@kit/internal'
import { type FailedRequest, normalizeRequest } from './request-data.ts'
import { getSentryState } from './state.ts'

const debug = createDebug('sentry')

export interface RequestErrorContext {
  /** Tagged as `request_id`, so the event and the request's log lines find each other. */
  requestId?: string | undefined
  /** The status the error will be answered with. @default errorStatusCode(error) */
  statusCode?: number | undefined
  /** Which adapter saw the error (the event's mechanism). @default 'http' */
  source?: string
  /** Extra tags for this event (values are scrubbed like everything else). */
  tags?: Readonly<Record<string, string | number | boolean>>
  /**
   * The request that failed. In errors-only mode (tracing off) the SDK does
   * not watch requests, so this is where `event.request` comes from.
   */
  request?: FailedRequest
}

/**
 * The status an error answers with, by the convention Express, Fastify and
 * http-errors share: `status` or `statusCode` when it is a 4xx or 5xx,
 * otherwise `fallback` when that is one, otherwise 500.
 */
export function errorStatusCode(error: unknown, fallback?: number): number {
  if (error !== null && typeof error === 'object') {
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown }
    for (const value of [status, statusCode]) {
      const code = Number(value)
      if (Number.isInteger(code) && code >= 400 && code <= 599) return code
    }
  }
  return fallback !== undefined && fallback >= 400 && fallback <= 599 ? fallback : 500
}

/**
 * Sends an error that fails a request to Sentry when it answers 5xx, tagged
 * with the request id and status; 4xx are the client's problem and never
 * sent. Returns the event id, or undefined when nothing was sent (Sentry
 * off, or a 4xx).
 */
export function captureRequestError(error: unknown, context: RequestErrorContext = {}): string | undefined {
  const state = getSentryState()
  const sdk = state?.sdk
  if (!sdk) return undefined
  const statusCode = context.statusCode ?? errorStatusCode(error)
  if (statusCode < 500) {
    debug('not sent: %d is a client error', statusCode)
    return undefined
  }
  return sdk.withScope((scope) => {
    if (context.requestId) scope.setTag('request_id', context.requestId)
    scope.setTag('http.status_code', statusCode)
    if (context.tags) scope.setTags(context.tags)
    if (context.request && state.mode === 'errors-only') {
      scope.setSDKProcessingMetadata(normalizeRequest(context.request, state.config))
    }
    const eventId = sdk.captureException(error, {
      mechanism: { type: `auto.http.kit.${context.source ?? 'http'}`, handled: false },
    })
    debug('sent %s (status %d, request %s)', eventId, statusCode, context.requestId ?? '-')
    return eventId
  })
}
