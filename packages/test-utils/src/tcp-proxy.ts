import { createConnection, createServer, type Socket } from 'node:net'

export interface TcpProxy {
  /** 127.0.0.1:<port> forwards to the target. */
  port: number
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string
  /**
   * The network stops delivering, the way a dropped route or a silent
   * firewall does: sockets stay open, nothing is refused, no byte moves in
   * either direction, and new connections are accepted but hang.
   */
  blackhole(): void
  /** The network delivers again: bytes held during the blackhole flow on, as TCP retransmission would deliver them. */
  heal(): void
  /** Closes the proxy and every connection through it. */
  close(): Promise<void>
}

/**
 * A TCP proxy in front of a real service (Postgres, MariaDB, Redis) for
 * network-fault tests: cut it with blackhole() and heal it, without
 * touching the shared server other test files use.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let holed = false
  const hold = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    if (holed) socket.pause()
  }
  const server = createServer((client) => {
    const upstream = createConnection(target)
    hold(client)
    hold(upstream)
    // Explicit writes, not pipe(): pipe() resumes a paused source on drain, which would leak bytes through the hole.
    client.on('data', (chunk) => upstream.write(chunk))
    upstream.on('data', (chunk) => client.write(chunk))
    client.on('end', () => upstream.end())
    upstream.on('end', () => client.end())
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    via(url) {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(port)
      return parsed.toString()
    },
    blackhole() {
      holed = true
      for (const socket of sockets) socket.pause()
    },
    heal() {
      holed = false
      for (const socket of sockets) socket.resume()
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
