import { pino } from 'pino'
import type { Redactor } from './redaction.ts'

/** Strips the query string: it may carry tokens, and the route tells more anyway. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return ''
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
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
