import { routedPath } from '@kit/internal'
import { pino } from 'pino'
import type { Redactor } from './redaction.ts'

/**
 * The path the framework routed by, case kept (@kit/internal routedPath): no
 * query string (it may carry tokens), and no scheme, user info or host of an
 * absolute-form target (`http://user:pass@host/path` logs `/path`).
 */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return ''
  return routedPath(url, true)
}

interface RequestLike {
  method?: string
  url?: string
  originalUrl?: string
  ip?: string
  raw?: { url?: string }
  socket?: { remoteAddress?: string }
}

/**
 * Serializers for the keys apps and frameworks log objects under. `req` and
 * `res` keep a few safe fields (never headers, cookies or the query string),
 * unlike pino's standard ones; `err` keeps pino's shape (type, message,
 * stack, cause) with secrets scrubbed out of message, stack and properties.
 */
export function createSerializers(
  redactor: Redactor,
): Record<'req' | 'res' | 'err', (value: unknown) => unknown> {
  return {
    req(value) {
      if (typeof value !== 'object' || value === null) return redactor.value(value)
      const req = value as RequestLike
      // Express keeps the mounted path in originalUrl; Fastify's request has the raw url.
      const url = req.originalUrl ?? req.raw?.url ?? req.url
      return {
        method: req.method,
        path: redactor.value(pathOf(url)),
        ip: req.ip ?? req.socket?.remoteAddress,
      }
    },
    res(value) {
      if (typeof value !== 'object' || value === null) return redactor.value(value)
      return { status: (value as { statusCode?: number }).statusCode }
    },
    err(value) {
      return redactor.value(pino.stdSerializers.err(value as Error))
    },
  }
}

export const SERIALIZED_KEYS: readonly string[] = ['req', 'res', 'err']
