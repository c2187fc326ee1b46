import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ListeningApp {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string
  port: number
  close(): Promise<void>
}

interface ExpressLike {
  listen(port: number, host: string, cb: () => void): Server
}
interface FastifyLike {
  listen(opts: { port: number; host: string }): Promise<string>
  close(): Promise<unknown>
  server: Server
}

/** Starts an Express app on an ephemeral port of 127.0.0.1. */
export function listenExpress(app: ExpressLike): Promise<ListeningApp> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
    server.once('error', reject)
  })
}

/** Starts a Fastify instance on an ephemeral port of 127.0.0.1 (fastify.inject is not used: see GOTCHAS). */
export async function listenFastify(app: FastifyLike): Promise<ListeningApp> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      await app.close()
    },
  }
}
