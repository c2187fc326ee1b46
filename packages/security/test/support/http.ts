import { request as httpRequest } from 'node:http'

export interface RawResponse {
  status: number
  /** Lower-case names; repeated headers joined with ', ' (set-cookie kept as an array). */
  headers: Record<string, string | string[] | undefined>
  /** Each header name as often as it was sent (to check "exactly one"). */
  headerCounts: Record<string, number>
  body: string
  text(): string
  json(): any
}

export interface RawRequest {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean
  timeoutMs?: number
}

/**
 * One HTTP request with full control over the headers (Host, Origin,
 * Sec-Fetch-Site, X-Forwarded-*), which fetch() adds to or forbids.
 */
export function send(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined && !options.chunked && !hasHeader(headers, 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(options.body))
    }
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers,
        agent: false,
        setHost: !hasHeader(headers, 'host'),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const counts: Record<string, number> = {}
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!.toLowerCase()
            counts[name] = (counts[name] ?? 0) + 1
          }
          const body = Buffer.concat(chunks).toString('utf8')
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string | string[] | undefined>,
            headerCounts: counts,
            body,
            text: () => body,
            json: () => JSON.parse(body),
          })
        })
        res.on('error', reject)
      },
    )
    req.setTimeout(options.timeoutMs ?? 5000, () =>
      req.destroy(new Error(`timed out: ${options.method ?? 'GET'} ${url}`)),
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name)
}
