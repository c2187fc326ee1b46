import type { IncomingMessage, ServerResponse } from 'node:http'
import { KitError } from '@kit/internal'
import { captureRequestError, errorStatusCode } from './capture.ts'
import type { FailedRequest } from './request-data.ts'
import { requestIdOf } from './request-id.ts'

export interface SentryErrorHandlerOptions {
  /** The response header the logger puts the request id in. @default 'x-request-id' */
  requestIdHeader?: string
}

export type SentryErrorMiddleware = (
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

/**
 * Express error middleware: sends 5xx errors to Sentry tagged with the
 * request id (never 4xx), then passes the error on, so the app's error
 * handler still answers. Install it after the routes, before that handler.
 * Replaces the SDK's deprecated setupExpressErrorHandler.
 */
export function sentryErrorHandler(options: SentryErrorHandlerOptions = {}): SentryErrorMiddleware {
  if (options !== null && typeof options === 'object' && 'headers' in options && 'method' in options) {
    throw new KitError(
      'KIT_SENTRY_MIDDLEWARE_NOT_CALLED',
      '`app.use(sentryErrorHandler)` passes the factory, not the middleware. Call it: `app.use(sentryErrorHandler())`.',
    )
  }
  const header = (options.requestIdHeader ?? 'x-request-id').toLowerCase()
  return function kitSentryErrorHandler(error, req, res, next) {
    captureRequestError(error, {
      requestId: requestIdOf(req, res, header),
      statusCode: errorStatusCode(error),
      source: 'express',
      request: req as FailedRequest,
    })
    next(error)
  }
}
