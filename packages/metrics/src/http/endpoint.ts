import type { IncomingMessage, ServerResponse } from 'node:http'
import type { KitLogger } from '@kit/internal'
import type { Registry } from 'prom-client'
import type { MetricsConfig } from '../config.ts'
import { createAccessCheck } from './access.ts'

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
  readonly #pathLower: string
  readonly #allowed: (req: IncomingMessage) => boolean
  readonly #registry: Registry
  readonly #log: KitLogger
  readonly #refusal: { status: number; headers: Record<string, string>; body: string }

  constructor(config: MetricsConfig, registry: Registry, log: KitLogger) {
    this.path = config.path
    this.#pathLower = config.path.toLowerCase()
    this.#allowed = createAccessCheck(config.token, config.trustPrivateNetwork)
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

  /** GET or HEAD of the metrics path (query string ignored, case-insensitive, trailing slash tolerated). */
  matches(req: IncomingMessage): boolean {
    const method = req.method
    if (method !== 'GET' && method !== 'HEAD') return false
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? ''
    const length = this.#pathLower.length
    if (url.length < length) return false
    const next = url.charCodeAt(length)
    // End of URL, '?', '#' or a trailing '/' (followed by the end or a query).
    if (
      !(
        Number.isNaN(next) ||
        next === 63 ||
        next === 35 ||
        (next === 47 && /^\/*(?:[?#]|$)/.test(url.slice(length)))
      )
    ) {
      return false
    }
    return url.slice(0, length).toLowerCase() === this.#pathLower
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
