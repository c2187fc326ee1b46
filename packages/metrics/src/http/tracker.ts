import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { SkipRequest } from '@kit/internal'
import { expressRouteTemplate } from './express-route.ts'
import { ABORTED, methodIndex, statusClassIndex, UNMATCHED_ROUTE } from './labels.ts'
import { rateLimitedTiers } from './rate-limit-header.ts'
import type { RequestMetrics } from './request-metrics.ts'

const kStart = Symbol('kit.metrics.start')
const kRoute = Symbol('kit.metrics.route')
const kReply = Symbol('kit.metrics.reply')

interface HeaderReader {
  getHeader(name: string): unknown
}
type TrackedResponse = ServerResponse & {
  [kStart]?: number
  [kRoute]?: string
  /** Fastify keeps reply headers off the raw response until it writes them all at once. */
  [kReply]?: HeaderReader
  req: IncomingMessage
}

/**
 * Starts and finishes the measurement of one request. Both adapters attach
 * one shared 'close' listener (no closure per request): 'close' also fires
 * when the client goes away, so in-flight requests never drift.
 */
export class RequestTracker {
  readonly #requests: RequestMetrics
  readonly #skip: SkipRequest
  readonly #routeLabel: ((req: any) => string | undefined) | undefined
  readonly #onRateLimited: (tier: string) => void
  readonly #onExpressClose: (this: TrackedResponse) => void
  readonly #onFastifyClose: (this: TrackedResponse) => void

  constructor(
    requests: RequestMetrics,
    skip: SkipRequest,
    routeLabel: ((req: any) => string | undefined) | undefined,
    onRateLimited: (tier: string) => void,
  ) {
    this.#requests = requests
    this.#skip = skip
    this.#routeLabel = routeLabel
    this.#onRateLimited = onRateLimited
    const tracker = this
    this.#onExpressClose = function onExpressClose(this: TrackedResponse) {
      const req = this.req
      const route = tracker.#routeLabel?.(req) || expressRouteTemplate(req)
      tracker.#finish(this, route)
    }
    this.#onFastifyClose = function onFastifyClose(this: TrackedResponse) {
      tracker.#finish(this, this[kRoute] ?? UNMATCHED_ROUTE)
    }
  }

  /** Express: the route is read when the response closes, once routing is done. */
  startExpress(req: IncomingMessage, res: ServerResponse): void {
    if (this.#skip(req)) return
    this.#start(res as TrackedResponse)
    res.on('close', this.#onExpressClose)
  }

  /** Fastify: routing happened before onRequest, so the template is known now. */
  startFastify(
    req: IncomingMessage,
    res: ServerResponse,
    template: string | undefined,
    request: unknown,
    reply: HeaderReader,
  ): void {
    if (this.#skip(req)) return
    const tracked = res as TrackedResponse
    this.#start(tracked)
    tracked[kRoute] = this.#routeLabel?.(request) || template || UNMATCHED_ROUTE
    tracked[kReply] = reply
    res.on('close', this.#onFastifyClose)
  }

  #start(res: TrackedResponse): void {
    res[kStart] = performance.now()
    this.#requests.inFlight++
  }

  #finish(res: TrackedResponse, route: string): void {
    const now = performance.now()
    const requests = this.#requests
    requests.inFlight--
    const status = res.statusCode
    const statusClass = res.writableFinished ? statusClassIndex(status) : ABORTED
    requests.record(route, methodIndex(res.req.method), statusClass, now - (res[kStart] ?? now), now)
    if (status === 429 && statusClass !== ABORTED) {
      const header = res.getHeader('ratelimit') ?? res[kReply]?.getHeader('ratelimit')
      for (const tier of rateLimitedTiers(header)) this.#onRateLimited(tier)
    }
  }
}
