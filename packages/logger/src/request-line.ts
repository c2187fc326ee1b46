import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { redactKnownSecrets } from '@kit/internal'
import type { Logger } from 'pino'
import type { ActiveRequest } from './context.ts'
import type { RequestLoggerConfig } from './request-options.ts'
import { pathOf } from './serializers.ts'
import { RESPONSE_ERROR, SAFE_FIELDS } from './symbols.ts'

export const REQUEST_COMPLETED = 'request completed'
export const REQUEST_ABORTED = 'request aborted'
/** Messages kit writes itself: the message serializer does not scan them. */
export const TRUSTED_MESSAGES: ReadonlySet<string> = new Set([REQUEST_COMPLETED, REQUEST_ABORTED])

/** Long user agents are cut: the line stays small whatever a client sends. */
const MAX_USER_AGENT = 256

/** What an adapter reads from its framework at the end of a request. */
export interface RequestFacts {
  method: string | undefined
  /** The URL as received (the query string is dropped here). */
  url: string | undefined
  /** The route template ('/users/:id'), when a route matched. */
  route: string | undefined
  status: number
  ip: string | undefined
  userAgent: string | undefined
  /** The client went away before the response was complete. */
  aborted: boolean
}

/**
 * Attaches the error behind a response to it, so that the request line of a
 * 5xx carries the error and its stack. The error handler calls it before
 * answering; it takes an Express `res`, a Fastify `reply` or a raw
 * ServerResponse.
 */
export function setResponseError(res: ServerResponse | { raw: ServerResponse }, error: unknown): void {
  const raw = 'raw' in res ? res.raw : res
  ;(raw as unknown as Record<symbol, unknown>)[RESPONSE_ERROR] = error
}

export function getResponseError(res: ServerResponse): unknown {
  return (res as unknown as Record<symbol, unknown>)[RESPONSE_ERROR]
}

/**
 * Writes the one line of a request: info for 1xx-4xx, error (with the
 * attached error) for 5xx, debug for requests the `skip` option matches.
 */
export function logRequestLine(
  request: ActiveRequest,
  config: RequestLoggerConfig,
  raw: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
): void {
  if (request.logged) return
  request.logged = true
  const log: Logger = request.log
  const level = config.skip?.(raw) ? 'debug' : facts.status >= 500 ? 'error' : 'info'
  if (!log.isLevelEnabled(level)) return
  const line: Record<string | symbol, unknown> = {
    [SAFE_FIELDS]: true,
    method: facts.method,
    // The routed path (no query string, where tokens travel). Registered secrets are scrubbed out of it and
    // the User-Agent by a matcher whose cost does not grow with their number; the full scan of free text
    // (redactString) is not run on them: kit writes these fields, they hold no key=value pairs.
    path: redactKnownSecrets(pathOf(facts.url)),
    route: facts.route,
    status: facts.status,
    durationMs: Math.round((performance.now() - request.startedAt) * 100) / 100,
    ip: facts.ip,
    userAgent:
      facts.userAgent === undefined
        ? undefined
        : redactKnownSecrets(facts.userAgent).slice(0, MAX_USER_AGENT),
  }
  if (facts.aborted) line.aborted = true
  if (level === 'error') {
    const error = getResponseError(res)
    if (error !== undefined) line.err = error
  }
  log[level](line, facts.aborted ? REQUEST_ABORTED : REQUEST_COMPLETED)
}
