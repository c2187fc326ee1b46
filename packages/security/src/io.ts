import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type ErrorInfo,
  errorJson,
  errorRendererOf,
  pathIsUnder,
  renderError,
  routedPath,
} from '@kit/internal'

/**
 * What the framework-neutral core needs from a framework, as static
 * functions over the framework's own request and response objects (no
 * per-request allocation). Each adapter implements it in a few lines; the
 * trusted-proxy decisions (`secure`, `host`) come from the framework's own
 * `trust proxy` / `trustProxy` setting.
 */
export interface FrameworkIO<Req, Res> {
  raw(req: Req): IncomingMessage
  /** HTTPS as the framework sees it (X-Forwarded-Proto only from a trusted proxy). */
  secure(req: Req): boolean
  /** Host header value (X-Forwarded-Host only from a trusted proxy), with port. */
  host(req: Req): string | undefined
  /** Path and query as received. */
  url(req: Req): string
  setHeader(res: Res, name: string, value: string): void
  getHeader(res: Res, name: string): unknown
  removeHeader(res: Res, name: string): void
  /** Ends the response with the headers already set plus this status and body. */
  send(res: Res, status: number, body: string | undefined): void
  /** Where the app reads the nonce: res.locals.cspNonce, reply.cspNonce. */
  getNonce(res: Res): string | undefined
  setNonce(res: Res, nonce: string): void
  /** Per-route opt-outs (Fastify route config); undefined when the framework has none. */
  optedOut?(req: Req, step: 'csrf'): boolean
  /** The body limit the framework applies to this route, when it knows one. */
  routeBodyLimit?(req: Req): number | undefined
  /**
   * The error the framework's own parser raises for a body over `limit`
   * (handed to the app's error handler when kit passes body errors on).
   */
  tooLargeError?(length: number, limit: number): Error
  /** The node:http response: refusals read the request (Accept, the app's error renderer) through it. */
  rawResponse?(res: Res): ServerResponse
}

/** The JSON body kit sends when it refuses a request: kit's one error shape, `{ error: { status, title, code, message } }`. */
export function refusalBody(status: number, title: string, code: string, message: string): string {
  return errorJson({ status, title, code, message })
}

/**
 * Sends a refusal built by refusalBody(). With the raw response at hand, it
 * gets the request id, HTML for browsers and the app's error renderer
 * (@kit/core `errors.render`), like every other kit error.
 */
export function sendRefusal<Req, Res>(
  io: FrameworkIO<Req, Res>,
  res: Res,
  status: number,
  body: string,
  closeConnection = false,
): void {
  let sent = { status, contentType: 'application/json; charset=utf-8', body }
  const req = io.rawResponse?.(res).req
  // Only kit's own refusal bodies are re-rendered; anything else is sent as given.
  if (req && body.startsWith('{"error":')) {
    const info = (JSON.parse(body) as { error: ErrorInfo }).error
    const requestId = io.getHeader(res, 'x-request-id')
    if (typeof requestId === 'string' && requestId) info.requestId = requestId
    sent = renderError(info, req, errorRendererOf(req))
  }
  io.setHeader(res, 'Content-Type', sent.contentType)
  io.setHeader(res, 'Cache-Control', 'no-store')
  if (closeConnection) io.setHeader(res, 'Connection', 'close')
  io.send(res, sent.status, sent.body)
}

/**
 * The path the framework routes `url` by (@kit/internal routedPath: every
 * request-target form, decoded, lower-cased): what exemptions and the report
 * path are compared with, so `POST http://host/webhooks/x` is the same
 * route to kit as to the router.
 */
export function pathOf(url: string): string {
  return routedPath(url)
}

/** Exact paths and `prefix/*` patterns, compared as routed paths (see pathOf). */
export function compilePathList(
  exact: readonly string[],
  prefixes: readonly string[],
): (path: string) => boolean {
  const exactPaths = new Set(exact.map((p) => routedPath(p)))
  // '/webhooks/*' covers '/webhooks' and everything under it; '/hooks*' any path starting '/hooks'.
  const segments = prefixes.filter((p) => p.endsWith('/')).map((p) => routedPath(p))
  const starts = prefixes.filter((p) => !p.endsWith('/')).map((p) => p.toLowerCase())
  return (path) =>
    exactPaths.has(path) ||
    segments.some((p) => pathIsUnder(path, p)) ||
    starts.some((p) => path.startsWith(p))
}

/** Adds a token to a Vary value unless it is already there (or the value is '*'). */
export function mergeVary(current: unknown, token: string): string | undefined {
  if (current === undefined || current === null || current === '') return token
  const text = Array.isArray(current) ? current.join(', ') : String(current)
  if (text.trim() === '*') return undefined
  const lower = token.toLowerCase()
  return text.split(',').some((t) => t.trim().toLowerCase() === lower) ? undefined : `${text}, ${token}`
}
