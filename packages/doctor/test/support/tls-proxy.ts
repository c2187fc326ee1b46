import {
  createServer as createHttpServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

export interface TlsProxy {
  httpsPort: number
  httpPort: number
  /** https://127.0.0.1:<httpsPort>/ */
  httpsUrl: string
  close(): Promise<void>
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'])

/**
 * A TLS terminator in front of an app, as a platform router is: HTTPS on one
 * port, plain HTTP on another, both forwarded to the app with
 * X-Forwarded-Proto/-Host/-For/-Port. Response headers pass through as sent
 * (duplicates included). Like nginx's proxy_redirect, a Location the app
 * builds for the default HTTPS port is rewritten to the proxy's port: the
 * test cannot listen on 443.
 */
export async function startTlsProxy(
  upstreamPort: number,
  tls: { key: string; cert: string },
): Promise<TlsProxy> {
  let httpsPort = 0
  const forward = (proto: 'https' | 'http') => (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
    const previous = req.headers['x-forwarded-for']
    headers['x-forwarded-for'] = [previous, req.socket.remoteAddress].filter(Boolean).join(', ')
    headers['x-forwarded-proto'] = proto
    headers['x-forwarded-host'] = req.headers.host ?? ''
    headers['x-forwarded-port'] = String(req.socket.localPort)
    const upstream = request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers },
      (answer) => {
        const raw: string[] = []
        for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
          const name = answer.rawHeaders[i]!
          let value = answer.rawHeaders[i + 1]!
          if (HOP_BY_HOP.has(name.toLowerCase())) continue
          if (name.toLowerCase() === 'location')
            value = value.replace(/^https:\/\/127\.0\.0\.1(:443)?(?=\/|$)/, `https://127.0.0.1:${httpsPort}`)
          raw.push(name, value)
        }
        res.writeHead(answer.statusCode ?? 502, raw)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  }
  const secure = createHttpsServer({ key: tls.key, cert: tls.cert }, forward('https'))
  const plain = createHttpServer(forward('http'))
  httpsPort = await listen(secure)
  const httpPort = await listen(plain)
  return {
    httpsPort,
    httpPort,
    httpsUrl: `https://127.0.0.1:${httpsPort}/`,
    close: async () => {
      await Promise.all([close(secure), close(plain)])
    },
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
