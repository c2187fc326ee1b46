import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { redactKnownSecrets } from '@kit/internal'
import type { Logger } from 'pino'
import type { ActiveRequest } from './context.ts'
import { writeRequestLine } from './request-line-json.ts'
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
 * The line is written as text when the logger allows it
 * (request-line-json.ts), through pino otherwise; the output is the same.
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
  const base: Logger = request.baseLog
  const level = config.skip?.(raw) ? 'debug' : facts.status >= 500 ? 'error' : 'info'
  if (!base.isLevelEnabled(level)) return
  // Scrubbed before it is cut: a registered secret across the cut must not leave its first half behind.
  const userAgent = facts.userAgent === undefined ? undefined : redactKnownSecrets(facts.userAgent)
  // The routed path (no query string, where tokens travel). Registered secrets are scrubbed out of it and
  // the User-Agent by a matcher whose cost does not grow with their number; the full scan of free text
  // (redactString) is not run on them: kit writes these fields, they hold no key=value pairs.
  const path = redactKnownSecrets(pathOf(facts.url))
  const durationMs = Math.round((performance.now() - request.startedAt) * 100) / 100
  const cut =
    userAgent !== undefined && userAgent.length > MAX_USER_AGENT
      ? userAgent.slice(0, MAX_USER_AGENT)
      : userAgent
  const message = facts.aborted ? REQUEST_ABORTED : REQUEST_COMPLETED
  const error = level === 'error' ? getResponseError(res) : undefined
  // The bound child already carries reqId; the root (no child made yet) gets it in the line.
  const reqId = request.boundLog === undefined ? request.id : undefined
  if (error === undefined && writeRequestLine(base, level, reqId, facts, path, durationMs, cut, message))
    return
  const line: Record<string | symbol, unknown> = {
    [SAFE_FIELDS]: true,
    method: facts.method,
    path,
    route: facts.route,
    status: facts.status,
    durationMs,
    ip: facts.ip,
    userAgent: cut,
  }
  if (facts.aborted) line.aborted = true
  if (error !== undefined) line.err = error
  request.log[level](line, message)
}
