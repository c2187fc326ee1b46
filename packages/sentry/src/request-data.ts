import type { IncomingHttpHeaders } from 'node:http'
import type { SentryConfig } from './options.ts'

/** What kit's adapters know about the request that failed (Express `req`, Fastify `request.raw` + body). */
export interface FailedRequest {
  method?: string | undefined
  url?: string | undefined
  headers: IncomingHttpHeaders
  /** The parsed body, sent only with `collect.requestBodies`. */
  body?: unknown
  socket?: { remoteAddress?: string | undefined; encrypted?: boolean } | undefined
}

/** The SDK's `normalizedRequest` shape, which its RequestData integration turns into `event.request`. */
export interface NormalizedRequest {
  url?: string
  method?: string
  query_string?: string
  headers: Record<string, string>
  data?: unknown
}

/**
 * In errors-only mode nothing in the SDK looks at requests, so the adapter
 * that sees a 5xx hands its request over at capture time, in the shape the
 * SDK's own HTTP integration would have left on the request's scope. The
 * SDK's RequestData integration then applies `dataCollection` to it (which
 * headers, cookies, query strings), and kit's scrubbers run after that, as
 * in full mode (docs/internals/sentry-sdk-facts.md).
 */
export function normalizeRequest(
  req: FailedRequest,
  config: SentryConfig,
): { normalizedRequest: NormalizedRequest; ipAddress?: string } {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const path = req.url ?? ''
  const host = headers['x-forwarded-host'] ?? headers.host
  const proto = headers['x-forwarded-proto'] ?? (req.socket?.encrypted ? 'https' : 'http')
  const query = path.indexOf('?')
  const normalizedRequest: NormalizedRequest = {
    url: /^https?:/i.test(path) ? path : host ? `${proto}://${host}${path}` : undefined,
    method: req.method,
    headers,
  }
  if (query !== -1) normalizedRequest.query_string = path.slice(query + 1)
  if (config.collect.requestBodies && req.body !== undefined) normalizedRequest.data = req.body
  const ipAddress = config.collect.userIp ? req.socket?.remoteAddress : undefined
  return ipAddress ? { normalizedRequest, ipAddress } : { normalizedRequest }
}
