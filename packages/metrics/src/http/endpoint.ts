import type { IncomingMessage, ServerResponse } from 'node:http'
import { createProbeAccess, type KitLogger, routedPath, routedPathOf } from '@kit/internal'
import type { Registry } from 'prom-client'
import type { MetricsConfig } from '../config.ts'

export interface EndpointResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * The Prometheus endpoint, framework-neutral: the Express middleware, the
 * Fastify hook and the separate METRICS_PORT server all call `handle()`.
 */
export class MetricsEndpoint {
  readonly path: string
  readonly #routed: string
  readonly #allowed: (req: IncomingMessage) => boolean
  readonly #registry: Registry
  readonly #log: KitLogger
  readonly #refusal: { status: number; headers: Record<string, string>; body: string }

  constructor(
    config: MetricsConfig,
    registry: Registry,
    log: KitLogger,
    allowedHost?: (hostname: string) => boolean,
  ) {
    this.path = config.path
    this.#routed = routedPath(config.path)
    this.#allowed = createProbeAccess({
      token: config.token,
      trustPrivateNetwork: config.trustPrivateNetwork,
      ...(allowedHost ? { allowedHost } : {}),
    })
    this.#registry = registry
    this.#log = log
    // Built once: a refused request costs no string work.
    this.#refusal = config.token
      ? {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
          body: 'Metrics need `Authorization: Bearer <METRICS_TOKEN>`.\n',
        }
      : {
          status: 403,
          headers: {},
          body: 'Metrics are served to private networks only; set METRICS_TOKEN to read them from elsewhere.\n',
        }
  }

  /** GET or HEAD of the metrics path, compared as the frameworks route it (routedPath: any request-target form, case-insensitive, trailing slash tolerated). */
  matches(req: IncomingMessage): boolean {
    const method = req.method
    if (method !== 'GET' && method !== 'HEAD') return false
    return routedPathOf(req) === this.#routed
  }

  /** The response for a request `matches()` accepted: refused, the metrics, or a collection failure. */
  async respond(req: IncomingMessage): Promise<EndpointResponse> {
    const head = req.method === 'HEAD'
    if (!this.#allowed(req)) {
      const refusal = this.#refusal
      return {
        status: refusal.status,
        headers: {
          ...refusal.headers,
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        },
        body: head ? '' : refusal.body,
      }
    }
    try {
      const body = await this.#registry.metrics()
      return {
        status: 200,
        headers: { 'content-type': this.#registry.contentType, 'cache-control': 'no-store' },
        body: head ? '' : body,
      }
    } catch (error) {
      this.#log.error({ err: error }, '@kit/metrics: collecting metrics failed')
      return {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: head ? '' : 'Collecting metrics failed; see the application log.\n',
      }
    }
  }

  /** respond(), written to a node:http response (Express, the METRICS_PORT server). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const response = await this.respond(req)
    res.writeHead(response.status, response.headers).end(response.body)
  }
}
