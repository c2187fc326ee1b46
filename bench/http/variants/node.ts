/** Bare node:http: the ceiling no framework can pass. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { echoAnswer, HELLO } from '../shared.ts'

export function bare(): Promise<number> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(HELLO)
      return
    }
    if (req.method === 'POST' && req.url === '/echo') {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        let body: unknown
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          res.writeHead(400).end()
          return
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        res.end(JSON.stringify(echoAnswer(body)))
      })
      return
    }
    res.writeHead(404).end()
  })
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    server.once('error', reject)
  })
}
