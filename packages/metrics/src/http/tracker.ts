import { type IncomingMessage, OutgoingMessage, type ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { SkipRequest } from '@kit/internal'
import { expressRouteTemplate } from './express-route.ts'
import { ABORTED, methodIndex, statusClassIndex, UNMATCHED_ROUTE } from './labels.ts'
import { rateLimitedTiers } from './rate-limit-header.ts'
import type { RequestMetrics } from './request-metrics.ts'

/** Fastify keeps reply headers off the raw response until it writes them all at once. */
interface HeaderReader {
  getHeader(name: string): unknown
}

// Node's own getter, called directly: on a response Express has re-prototyped,
// looking `writableFinished` up walks four prototypes without an inline cache
// (docs/internals/request-flags-and-metrics.md).
const writableFinishedOf = Object.getOwnPropertyDescriptor(OutgoingMessage.prototype, 'writableFinished')?.get

/** All of the response reached the socket: false when the client went away first. */
function writableFinished(res: ServerResponse): boolean {
  return writableFinishedOf !== undefined && res instanceof OutgoingMessage
    ? (writableFinishedOf.call(res) as boolean)
    : res.writableFinished
}

/**
 * Starts and finishes the measurement of one request, on its 'close' event:
 * it also fires when the client goes away, so in-flight requests never
 * drift. The start time lives in the listener's closure, not on the
 * response: Express swaps the prototypes of req and res, and adding a
 * property to such an object costs about 2 µs, ten times the closure.
 */
export class RequestTracker {
  readonly #requests: RequestMetrics
  readonly #skip: SkipRequest | undefined
  readonly #routeLabel: ((req: any) => string | undefined) | undefined
  readonly #onRateLimited: (tier: string) => void

  constructor(
    requests: RequestMetrics,
    skip: SkipRequest | undefined,
    routeLabel: ((req: any) => string | undefined) | undefined,
    onRateLimited: (tier: string) => void,
  ) {
    this.#requests = requests
    this.#skip = skip
    this.#routeLabel = routeLabel
    this.#onRateLimited = onRateLimited
  }

  /** Express: the route is read when the response closes, once routing is done. Mount it once. */
  startExpress(req: IncomingMessage, res: ServerResponse): void {
    if (this.#skip?.(req)) return
    const start = performance.now()
    this.#requests.inFlight++
    res.on('close', () => {
      const route = this.#routeLabel?.(req) || expressRouteTemplate(req)
      this.#finish(req, res, start, route, undefined)
    })
  }

  /** Fastify: routing happened before onRequest, so the template is known now. */
  startFastify(
    req: IncomingMessage,
    res: ServerResponse,
    template: string | undefined,
    request: unknown,
    reply: HeaderReader,
  ): void {
    if (this.#skip?.(req)) return
    const start = performance.now()
    const route = this.#routeLabel?.(request) || template || UNMATCHED_ROUTE
    this.#requests.inFlight++
    res.on('close', () => this.#finish(req, res, start, route, reply))
  }

  #finish(
    req: IncomingMessage,
    res: ServerResponse,
    start: number,
    route: string,
    reply: HeaderReader | undefined,
  ): void {
    const now = performance.now()
    const requests = this.#requests
    requests.inFlight--
    const status = res.statusCode
    const statusClass = writableFinished(res) ? statusClassIndex(status) : ABORTED
    requests.record(route, methodIndex(req.method), statusClass, now - start, now)
    if (status === 429 && statusClass !== ABORTED) {
      const header = res.getHeader('ratelimit') ?? reply?.getHeader('ratelimit')
      for (const tier of rateLimitedTiers(header)) this.#onRateLimited(tier)
    }
  }
}
