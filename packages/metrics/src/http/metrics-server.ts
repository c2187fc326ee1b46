import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { KitError } from '@kit/internal'
import type { MetricsEndpoint } from './endpoint.ts'

/**
 * The endpoint on its own port (METRICS_PORT): a bare node:http server that
 * answers the metrics path and 404s everything else, so scrapes never
 * travel through the app's middleware, logs or rate limits.
 */
export class MetricsServer {
  readonly #endpoint: MetricsEndpoint
  #server: Server | undefined

  constructor(endpoint: MetricsEndpoint) {
    this.#endpoint = endpoint
  }

  get port(): number | undefined {
    const address = this.#server?.address() as AddressInfo | null | undefined
    return address ? address.port : undefined
  }

  async listen(port: number, host: string): Promise<void> {
    if (this.#server) return
    const server = createServer((req, res) => {
      if (this.#endpoint.matches(req)) {
        void this.#endpoint.handle(req, res)
        return
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
    })
    // A scraper holding keep-alive sockets must not keep the process alive.
    server.keepAliveTimeout = 5000
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        this.#server = undefined
        reject(
          new KitError(
            'KIT_METRICS_LISTEN_FAILED',
            `The metrics server could not listen on ${host}:${port} (METRICS_PORT): ${error.code ?? error.message}. Pick a free port different from PORT, or unset METRICS_PORT to serve ${this.#endpoint.path} on the app.`,
            { cause: error },
          ),
        )
      })
      server.listen(port, host, () => resolve())
    })
    server.unref()
  }

  async close(): Promise<void> {
    const server = this.#server
    if (!server) return
    this.#server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
}
