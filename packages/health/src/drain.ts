import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { InFlightEntry, InFlightList } from '@kit/internal'

/**
 * A request in flight, listed from the server's 'request' event until its
 * response closes. Method and path are read from res.req only for the log
 * line of a missed deadline, not copied per request.
 */
class InFlight extends InFlightEntry {
  readonly res: ServerResponse
  readonly startedAt: number

  constructor(res: ServerResponse, startedAt: number) {
    super()
    this.res = res
    this.startedAt = startedAt
  }

  describe(now: number): string {
    const req = this.res.req as (IncomingMessage & { originalUrl?: string }) | undefined
    // As received: Express rewrites req.url inside mounted routers and keeps the original here.
    const url = req?.originalUrl ?? req?.url ?? ''
    const q = url.indexOf('?')
    return `${req?.method ?? 'GET'} ${q === -1 ? url : url.slice(0, q)} (${now - this.startedAt} ms)`
  }
}

/** How often idle keep-alive connections are closed while draining. */
const SWEEP_MS = 50

/**
 * Drains one http.Server: stop accepting, let every request in flight finish,
 * close keep-alive connections as soon as they are idle. Node's own
 * server.close() keeps a busy keep-alive connection open after its response
 * (the client reuses it and close() waits for the keep-alive timeout), so
 * responses written while draining say `Connection: close`, and idle
 * connections are swept until the server has none left.
 *
 * Requests in flight are an InFlightList, not a Map keyed by response: a
 * Map that gains and loses an entry per request can keep every request
 * alive through scavenges (docs/internals/in-flight-tracking.md).
 */
export class ServerDrain {
  readonly server: Server
  readonly #inFlight = new InFlightList<InFlight>()
  #draining = false
  #closed: Promise<void> | undefined
  #sweep: NodeJS.Timeout | undefined
  #onRequest = (req: IncomingMessage, res: ServerResponse): void => this.#track(req, res)

  constructor(server: Server) {
    this.server = server
    // Before the app's listener: a request that arrives while draining gets `Connection: close` before any handler can answer.
    server.prependListener('request', this.#onRequest)
  }

  get inFlightCount(): number {
    return this.#inFlight.size
  }

  /** Requests still running, for the log line of a missed deadline. */
  describeInFlight(now: number = Date.now()): string[] {
    return [...this.#inFlight].map((r) => r.describe(now))
  }

  /** Stops accepting and resolves once every connection is closed. */
  drain(): Promise<void> {
    if (this.#closed) return this.#closed
    this.#draining = true
    for (const request of this.#inFlight) closeAfter(request.res)
    this.#closed = new Promise<void>((resolve) => {
      if (!this.server.listening) {
        this.server.closeAllConnections()
        resolve()
        return
      }
      this.server.close(() => resolve())
    })
    this.#sweep = setInterval(() => this.server.closeIdleConnections(), SWEEP_MS)
    this.#sweep.unref()
    void this.#closed.finally(() => clearInterval(this.#sweep))
    return this.#closed
  }

  /** Past the deadline: drop whatever is left. */
  destroy(): void {
    clearInterval(this.#sweep)
    this.server.closeAllConnections()
  }

  detach(): void {
    clearInterval(this.#sweep)
    this.server.removeListener('request', this.#onRequest)
  }

  #track(_req: IncomingMessage, res: ServerResponse): void {
    if (this.#draining) closeAfter(res)
    const request = new InFlight(res, Date.now())
    const inFlight = this.#inFlight
    inFlight.add(request)
    // 'close' comes once per response: a plain listener needs no once() wrapper.
    res.on('close', () => inFlight.remove(request))
  }
}

/** Ask the client not to reuse the connection; too late once headers are out (the sweep closes it then). */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close')
}
