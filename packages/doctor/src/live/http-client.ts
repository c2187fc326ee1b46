import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { checkServerIdentity, type PeerCertificate, type SecureContext, type TLSSocket } from 'node:tls'

/** What the audit keeps of one response. */
export interface FetchedResponse {
  url: string
  method: string
  status: number
  /** Node's view: repeated fields joined with ", ", set-cookie a list (what the Observatory grades). */
  headers: IncomingHttpHeaders
  /** Every field as sent, lower-case name → values in order (for counting duplicates). */
  fields: Map<string, string[]>
  /** The body as text, cut at `maxBodyBytes`. */
  body: string
  tls?: TlsInfo
}

export interface TlsInfo {
  /** The chain verified against the trusted CAs and the certificate matches the host name. */
  authorized: boolean
  /** Why it did not verify (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...). */
  error: string | undefined
  validTo: Date | undefined
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  /** Trusts extra CAs (built once: a context per request would parse every root certificate again); undefined: Node's defaults. */
  secureContext?: SecureContext
  timeoutMs: number
  maxBodyBytes: number
  /**
   * Where to connect instead of the URL's own host and port (local mode:
   * the public origin answered by the local TLS terminator, as if DNS
   * pointed there). Host header, SNI and the certificate's name check stay
   * those of the URL.
   */
  connectTo?: (url: URL) => { host: string; port: number } | undefined
}

/** A request that failed before a response: refused, reset, DNS, timeout. */
export class RequestFailed extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'RequestFailed'
    this.code = code
  }
}

/**
 * One request, no redirects followed, no connection reuse. Certificates are
 * checked but a bad one does not abort the request: the audit still grades
 * the headers and reports the certificate (as the Observatory does).
 */
export function fetchOnce(target: URL, options: RequestOptions): Promise<FetchedResponse> {
  const secure = target.protocol === 'https:'
  const method = options.method ?? 'GET'
  const host = target.hostname.replace(/^\[|\]$/g, '')
  const redirected = options.connectTo?.(target)
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest
    const req = send(target, {
      method,
      agent: false,
      headers: {
        'user-agent': 'kit-audit (+https://github.com/kit-dev/kit)',
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        ...(redirected ? { host: target.host } : {}),
        ...options.headers,
      },
      ...(redirected ? { hostname: redirected.host, port: redirected.port } : {}),
      ...(secure
        ? {
            rejectUnauthorized: false,
            ...(isIP(host) === 0 ? { servername: host } : {}),
            ...(options.secureContext ? { secureContext: options.secureContext } : {}),
            // Node checks the name it connected to; the certificate must match the public one (docs/internals/throwaway-certificates.md).
            ...(redirected
              ? { checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(host, cert) }
              : {}),
          }
        : {}),
    })
    const timer = setTimeout(() => {
      req.destroy(new RequestFailed('ETIMEDOUT', `no response within ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    req.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        error instanceof RequestFailed ? error : new RequestFailed(error.code ?? 'EREQUEST', error.message),
      )
    })
    req.once('response', (res) => {
      const socket = res.socket as TLSSocket
      const tls = secure ? tlsInfo(socket) : undefined
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size >= options.maxBodyBytes) return
        chunks.push(chunk)
        size += chunk.length
      })
      res.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(new RequestFailed(error.code ?? 'ERESPONSE', error.message))
      })
      res.once('end', () => {
        clearTimeout(timer)
        const fields = new Map<string, string[]>()
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!.toLowerCase()
          fields.set(name, [...(fields.get(name) ?? []), res.rawHeaders[i + 1]!])
        }
        const response: FetchedResponse = {
          url: target.href,
          method,
          status: res.statusCode ?? 0,
          headers: res.headers,
          fields,
          body: Buffer.concat(chunks).subarray(0, options.maxBodyBytes).toString('utf8'),
        }
        if (tls) response.tls = tls
        resolve(response)
      })
    })
    req.end()
  })
}

function tlsInfo(socket: TLSSocket): TlsInfo {
  const certificate =
    typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined
  const validTo = certificate?.valid_to ? new Date(certificate.valid_to) : undefined
  const error = socket.authorizationError
  return {
    authorized: socket.authorized === true,
    error: error === undefined || error === null ? undefined : String((error as Error).message ?? error),
    validTo: validTo && !Number.isNaN(validTo.getTime()) ? validTo : undefined,
  }
}
