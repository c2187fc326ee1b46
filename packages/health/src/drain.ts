import type { IncomingMessage, Server, ServerResponse } from 'node:http'

interface InFlight {
  method: string
  path: string
  startedAt: number
}

/** Where a tracked response finds the map it leaves when it closes (untrack, below). */
const kInFlight = Symbol('kit.health.inFlight')
type Tracked = ServerResponse & { [kInFlight]?: Map<ServerResponse, InFlight> }

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
  #inFlight = new Map<ServerResponse, InFlight>()
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
    return [...this.#inFlight.values()].map((r) => `${r.method} ${r.path} (${now - r.startedAt} ms)`)
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

  #track(req: IncomingMessage, res: ServerResponse): void {
    if (this.#draining) closeAfter(res)
    const url = req.url ?? ''
    const q = url.indexOf('?')
    this.#inFlight.set(res, {
      method: req.method ?? 'GET',
      path: q === -1 ? url : url.slice(0, q),
      startedAt: Date.now(),
    })
    // One shared listener, not a closure wrapped by once(): 'close' is emitted once per response.
    ;(res as Tracked)[kInFlight] = this.#inFlight
    res.on('close', untrack)
  }
}

function untrack(this: Tracked): void {
  this[kInFlight]?.delete(this)
}

/** Ask the client not to reuse the connection; too late once headers are out (the sweep closes it then). */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close')
}
