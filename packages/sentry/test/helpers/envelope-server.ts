import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { createArrivals } from '@kit/test-utils'

export interface EnvelopeItem {
  header: { type?: string; length?: number; [key: string]: unknown }
  /** Parsed JSON when the payload is JSON, else the text. */
  payload: any
}

export interface ReceivedEnvelope {
  path: string
  headers: IncomingHttpHeaders
  /** The decoded body, as the SDK sent it. */
  raw: string
  header: Record<string, any>
  items: EnvelopeItem[]
}

export interface EnvelopeServer {
  /** A DSN pointing here: http://public@127.0.0.1:<port>/1 */
  dsn: string
  envelopes: ReceivedEnvelope[]
  /** Error events (items of type "event") received so far. */
  events(): any[]
  /** Every byte received so far, decoded: what a canary must never appear in. */
  allText(): string
  /** Resolves with the first error event matching `predicate` (rejects after timeoutMs). */
  waitForEvent(predicate: (event: any) => boolean, timeoutMs?: number): Promise<any>
  close(): Promise<void>
}

/**
 * A local stand-in for sentry.io: accepts envelopes at /api/<project>/envelope/
 * (decoding gzip, deflate and brotli bodies), answers 200, and keeps them for
 * assertions. Anything else is answered 404 and kept in `envelopes` too, so a
 * stray request is visible.
 */
export async function startEnvelopeServer(): Promise<EnvelopeServer> {
  const envelopes: ReceivedEnvelope[] = []
  const arrivals = createArrivals()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = decode(Buffer.concat(chunks), req.headers['content-encoding'])
      const path = req.url ?? ''
      const isEnvelope = req.method === 'POST' && /^\/api\/\d+\/envelope\/(\?|$)/.test(path)
      envelopes.push({ path, headers: req.headers, raw: body.toString('utf8'), ...parseEnvelope(body) })
      arrivals.notify()
      res.writeHead(isEnvelope ? 200 : 404, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const events = () =>
    envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload))
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    events,
    allText: () => envelopes.map((e) => `${e.path}\n${JSON.stringify(e.headers)}\n${e.raw}`).join('\n'),
    waitForEvent(predicate, timeoutMs = 10_000) {
      return arrivals.waitFor(
        () => events().find(predicate),
        timeoutMs,
        () => `No matching Sentry event within ${timeoutMs} ms; got ${events().length} events`,
      )
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body)
  if (encoding === 'br') return brotliDecompressSync(body)
  if (encoding === 'deflate') return inflateSync(body)
  return body
}

/** Envelope format: a header line, then items of a header line and a payload (`length` bytes when given). */
function parseEnvelope(body: Buffer): { header: Record<string, any>; items: EnvelopeItem[] } {
  let offset = 0
  const readLine = (): string => {
    const end = body.indexOf(10, offset)
    const line = body.subarray(offset, end === -1 ? body.length : end).toString('utf8')
    offset = end === -1 ? body.length : end + 1
    return line
  }
  const header = tryJson(readLine()) ?? {}
  const items: EnvelopeItem[] = []
  while (offset < body.length) {
    const line = readLine()
    if (line.trim() === '') continue
    const itemHeader = tryJson(line) ?? {}
    let text: string
    if (typeof itemHeader.length === 'number') {
      text = body.subarray(offset, offset + itemHeader.length).toString('utf8')
      offset += itemHeader.length
      if (body[offset] === 10) offset++
    } else {
      text = readLine()
    }
    items.push({ header: itemHeader, payload: tryJson(text) ?? text })
  }
  return { header, items }
}

function tryJson(text: string): any {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
