import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/** How often idle keep-alive connections are closed while draining. */
const SWEEP_MS = 50

/**
 * Drains one http.Server: stop accepting, let every request in flight finish,
 * close keep-alive connections as soon as they are idle. Node's own
 * server.close() keeps a busy keep-alive connection open after its response
 * (the client reuses it and close() waits for the keep-alive timeout), so
 * responses written while draining say `Connection: close`, and idle
 * connections are swept until the server has none left.
 */
export class ServerDrain {
  readonly server: Server
  /** Responses in flight and when they started (Date.now()); method and path are read from res.req when needed. */
  #inFlight = new Map<ServerResponse, number>()
  #draining = false
  #closed: Promise<void> | undefined
  #sweep: NodeJS.Timeout | undefined
  #onRequest = (req: IncomingMessage, res: ServerResponse): void => this.#track(req, res)
  /** One listener for every response ('close' calls it with the response as `this`): no closure per request. */
  #forget: (this: ServerResponse) => void

  constructor(server: Server) {
    this.server = server
    const inFlight = this.#inFlight
    this.#forget = function forget(this: ServerResponse) {
      inFlight.delete(this)
    }
    // Before the app's listener: a request that arrives while draining gets `Connection: close` before any handler can answer.
    server.prependListener('request', this.#onRequest)
  }

  get inFlightCount(): number {
    return this.#inFlight.size
  }

  /** Requests still running, for the log line of a missed deadline. */
  describeInFlight(now: number = Date.now()): string[] {
    return [...this.#inFlight].map(([res, startedAt]) => {
      // As received: Express rewrites req.url inside mounted routers and keeps the original here.
      const url = (res.req as { originalUrl?: string } | undefined)?.originalUrl ?? res.req?.url ?? ''
      const q = url.indexOf('?')
      return `${res.req?.method ?? 'GET'} ${q === -1 ? url : url.slice(0, q)} (${now - startedAt} ms)`
    })
  }

  /** Stops accepting and resolves once every connection is closed. */
  drain(): Promise<void> {
    if (this.#closed) return this.#closed
    this.#draining = true
    for (const res of this.#inFlight.keys()) closeAfter(res)
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
    this.#inFlight.set(res, Date.now())
    // 'close' comes once per response; a plain listener needs no once() wrapper.
    res.on('close', this.#forget)
  }
}

/** Ask the client not to reuse the connection; too late once headers are out (the sweep closes it then). */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close')
}
