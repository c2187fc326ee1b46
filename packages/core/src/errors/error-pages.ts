import type { IncomingMessage } from 'node:http'
import { type ErrorRenderer, KitError, type KitLogger, renderError } from '@kit/internal'
import { type ErrorResponse, errorInfo, notFoundInfo } from './error-response.ts'

export interface ErrorPagesOptions {
  production: boolean
  log: KitLogger
  /** kit.config `errors.render`: the app's own error shape. */
  render?: ErrorRenderer | undefined
}

/** kit's 404 and error bodies for one app, the same on Express and Fastify, through the app's renderer if it has one. */
export interface ErrorPages {
  notFound(req: IncomingMessage, requestId: string | undefined): ErrorResponse
  failure(error: unknown, req: IncomingMessage, requestId: string | undefined): ErrorResponse
}

export function createErrorPages(options: ErrorPagesOptions): ErrorPages {
  const { production, log, render } = options
  const onRendererError = (error: unknown) =>
    log.error({ err: error }, "errors.render (kit.config) threw; answered with kit's own error body")
  return {
    notFound(req, requestId) {
      const info = notFoundInfo(req.method ?? 'GET', req.url ?? '/', { production, requestId })
      return renderError(info, req, render, onRendererError)
    },
    failure(error, req, requestId) {
      return renderError(errorInfo(error, { production, requestId }), req, render, onRendererError)
    },
  }
}

/** kit.config `errors.render`, checked: a function or nothing. */
export function errorRendererFrom(errors: { render?: unknown } | undefined): ErrorRenderer | undefined {
  const render = errors?.render
  if (render === undefined) return undefined
  if (typeof render !== 'function') {
    throw new KitError(
      'KIT_CORE_CONFIG_INVALID',
      `kit.config \`errors.render\` must be a function (error, req) => ({ body, status?, contentType? }), got ${typeof render}.`,
    )
  }
  return render as ErrorRenderer
}
