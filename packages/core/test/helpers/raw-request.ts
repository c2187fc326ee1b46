import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * One request written byte for byte on a fresh socket: fetch() never sends
 * absolute-form targets (`POST http://host/path HTTP/1.1`) or other forms
 * an attacker can, so request-target tests go through here.
 */
export function rawRequest(
  url: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<RawResponse> {
  const { hostname, port } = new URL(url)
  const lines = [`${method} ${target} HTTP/1.1`]
  const all: Record<string, string> = { host: `${hostname}:${port}`, connection: 'close', ...headers }
  if (body || method === 'POST') all['content-length'] = String(Buffer.byteLength(body))
  for (const [name, value] of Object.entries(all)) lines.push(`${name}: ${value}`)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      const head = text.slice(0, split).split('\r\n')
      const parsed: Record<string, string> = {}
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':')
        parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ status: Number(head[0]!.split(' ')[1]), headers: parsed, body: text.slice(split + 4) })
    })
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
  })
}
