import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createArrivals } from './arrivals.ts'

export interface WebhookReceiver {
  /** A Slack-like incoming-webhook URL on 127.0.0.1 (its path plays the secret). */
  url: string
  /** JSON bodies received, oldest first. */
  received: any[]
  /** Requests that arrived (answered or not). */
  arrivals: number
  /** Resolves once `count` bodies were received; rejects after `timeoutMs` saying what arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<any[]>
  close(): Promise<void>
}

/**
 * A local Slack incoming-webhook stand-in on 127.0.0.1: answers 200 "ok"
 * (Slack's own answer), a given status, or never (`hang`). Tests wait on
 * what it receives (event-driven), never on a guess of how long delivery takes.
 */
export async function startWebhookReceiver(mode: 'ok' | 'hang' | number = 'ok'): Promise<WebhookReceiver> {
  const received: any[] = []
  const deliveries = createArrivals()
  let arrivals = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    arrivals++
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    req.on('end', () => {
      if (mode === 'hang') return
      if (mode === 'ok') received.push(JSON.parse(body))
      const status = mode === 'ok' ? 200 : mode
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no_service')
      deliveries.notify()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/s3cr3tWebhookPath`,
    received,
    get arrivals() {
      return arrivals
    },
    waitForCount(count, timeoutMs = 30_000) {
      return deliveries.waitFor(
        () => (received.length >= count ? received : undefined),
        timeoutMs,
        () =>
          `The webhook received ${received.length} of ${count} notices within ${timeoutMs} ms: ${JSON.stringify(received.map((m) => m.text))}`,
      )
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
