import {
  createServer as createHttpServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

/** The in-process stand-in for a platform router in front of a local app. */
export interface LocalTerminator {
  /** Loopback port of the HTTPS side (the throwaway certificate). */
  httpsPort: number
  /** Loopback port of the plain-HTTP side (for the HTTP → HTTPS redirect check). */
  httpPort: number
  close(): Promise<void>
}

export interface TerminatorOptions {
  /** The app, as `kit audit` was given it: http://127.0.0.1:3000/. */
  upstream: URL
  tls: { key: string; cert: string }
  /** The public ports the app is told it is reached on (X-Forwarded-Port): 443 and 80 in production. */
  publicPorts: { https: number; http: number }
}

// RFC 9110 §7.6.1: connection-specific fields a proxy does not forward.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
])

/**
 * HTTPS and plain HTTP on loopback, both forwarded to the app as Heroku's,
 * Render's or Fly's router does: Host untouched, X-Forwarded-For (the
 * client appended), X-Forwarded-Proto, X-Forwarded-Port and
 * X-Forwarded-Host added, hop-by-hop fields dropped. The app's answer comes
 * back as sent, duplicate fields included: the audit grades the app, so the
 * terminator adds and rewrites nothing (no Location rewriting either, the
 * audit addresses the app by its public name).
 */
export async function startLocalTerminator(options: TerminatorOptions): Promise<LocalTerminator> {
  const upstreamHost = options.upstream.hostname.replace(/^\[|\]$/g, '')
  const upstreamPort = Number(options.upstream.port || 80)
  const forward = (proto: 'https' | 'http') => (req: IncomingMessage, res: ServerResponse) => {
    const headers: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
    const client = req.socket.remoteAddress ?? ''
    const previous = req.headers['x-forwarded-for']
    headers['x-forwarded-for'] = previous ? `${previous}, ${client}` : client
    headers['x-forwarded-proto'] = proto
    headers['x-forwarded-port'] = String(options.publicPorts[proto])
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host
    const upstream = request(
      { host: upstreamHost, port: upstreamPort, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        const raw: string[] = []
        for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2)
          if (!HOP_BY_HOP.has(answer.rawHeaders[i]!.toLowerCase()))
            raw.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!)
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw)
        answer.pipe(res)
      },
    )
    upstream.once('error', () => {
      // The app closed or refused the connection: a router answers 502 (Heroku's H13).
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end()
    })
    res.once('close', () => upstream.destroy())
    req.pipe(upstream)
  }
  const secure = createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, forward('https'))
  const plain = createHttpServer(forward('http'))
  const servers = [secure, plain]
  try {
    const [httpsPort, httpPort] = [await listen(secure), await listen(plain)]
    return { httpsPort, httpPort, close: () => closeAll(servers) }
  } catch (error) {
    await closeAll(servers)
    throw error
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve()
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    ),
  )
}
