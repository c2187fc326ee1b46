import { randomBytes, randomUUID } from 'node:crypto'
import { createDebug } from '@kit/internal'
import { type FetchedResponse, fetchOnce, RequestFailed, type RequestOptions } from './http-client.ts'

const debug = createDebug('doctor')
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_HOPS = 10

export interface Hop {
  url: string
  /** 0 when the hop was not requested (it left the audited origins). */
  status: number
  response?: FetchedResponse
}

export interface Chain {
  hops: Hop[]
  /** The last response received. */
  final: FetchedResponse | undefined
  /** Set when the first request got no response (refused, timeout...). */
  error: string | undefined
  /** The chain stopped at a URL outside the audited origins. */
  leftOrigin: boolean
}

export type CorsProbeKind = 'random' | 'null' | 'prefix' | 'hyphen' | 'suffix' | 'dot' | 'insecure'

export interface CorsProbe {
  kind: CorsProbeKind
  origin: string
  preflight: FetchedResponse | undefined
  get: FetchedResponse | undefined
}

/** Everything one audit fetched. */
export interface Collected {
  target: URL
  httpUrl: URL
  https: Chain
  http: Chain
  robots: FetchedResponse | undefined
  notFound: FetchedResponse | undefined
  health: FetchedResponse | undefined
  healthError: string | undefined
  cors: CorsProbe[]
}

export interface CollectOptions
  extends Pick<RequestOptions, 'secureContext' | 'timeoutMs' | 'maxBodyBytes' | 'connectTo'> {
  httpPort: number
  healthPath: string
}

/**
 * Requests the audit makes, all to the URL's own host: the page over
 * HTTPS, its http:// counterpart (on `httpPort`), /robots.txt (cookies),
 * CORS probes with hostile origins, a random path (404 leaks) and the
 * health endpoint. Redirects are followed only while they stay on these
 * origins: the audit never contacts another host.
 */
export async function collect(target: URL, options: CollectOptions): Promise<Collected> {
  // An http:// URL is its own plain-HTTP side; an https:// one has its counterpart on httpPort.
  const httpUrl = new URL(target.href)
  if (target.protocol === 'https:') {
    httpUrl.protocol = 'http:'
    httpUrl.port = options.httpPort === 80 ? '' : String(options.httpPort)
  }
  const allowed = new Set([origin(target), origin(httpUrl)])
  const get = (url: URL, init: Partial<RequestOptions> = {}) => tryFetch(url, { ...options, ...init })

  const [https, http] = await Promise.all([
    target.protocol === 'https:'
      ? followChain(target, allowed, options)
      : emptyChain('the URL is not https://'),
    followChain(httpUrl, allowed, options),
  ])
  const base = https.final ? new URL(https.final.url) : target
  const at = (path: string) => new URL(path, base.origin)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  const probes = corsOrigins(host, target.protocol === 'https:')
  const [robots, notFound, healthResult, ...cors] = await Promise.all([
    get(at('/robots.txt'), { headers: { accept: 'text/plain,*/*;q=0.8' } }),
    get(at(`/${randomUUID()}`)),
    get(at(options.healthPath), { headers: { accept: 'application/json' } }),
    ...probes.map(async ([kind, probeOrigin]): Promise<CorsProbe> => {
      const [preflight, plain] = await Promise.all([
        get(base, {
          method: 'OPTIONS',
          headers: { origin: probeOrigin, 'access-control-request-method': 'GET' },
        }),
        get(base, { headers: { origin: probeOrigin } }),
      ])
      return { kind, origin: probeOrigin, preflight: preflight.response, get: plain.response }
    }),
  ])
  debug(
    'audit of %s: https %s, http %s',
    target.href,
    https.final?.status ?? https.error,
    http.final?.status ?? http.error,
  )
  return {
    target,
    httpUrl,
    https,
    http,
    robots: robots.response,
    notFound: notFound.response,
    health: healthResult.response,
    healthError: healthResult.error,
    cors: cors as CorsProbe[],
  }
}

function origin(url: URL): string {
  return `${url.protocol}//${url.host}`
}

function emptyChain(error: string): Chain {
  return { hops: [], final: undefined, error, leftOrigin: false }
}

async function tryFetch(
  url: URL,
  options: RequestOptions,
): Promise<{ response: FetchedResponse | undefined; error: string | undefined }> {
  try {
    return { response: await fetchOnce(url, options), error: undefined }
  } catch (error) {
    const code = error instanceof RequestFailed ? error.code : 'EREQUEST'
    return { response: undefined, error: `${code}: ${(error as Error).message}` }
  }
}

async function followChain(
  start: URL,
  allowed: ReadonlySet<string>,
  options: RequestOptions,
): Promise<Chain> {
  const hops: Hop[] = []
  let url = start
  let final: FetchedResponse | undefined
  for (let i = 0; i <= MAX_HOPS; i++) {
    const { response, error } = await tryFetch(url, options)
    if (!response) {
      if (hops.length === 0) return emptyChain(error ?? 'no response')
      hops.push({ url: url.href, status: 0 })
      return { hops, final, error, leftOrigin: false }
    }
    hops.push({ url: url.href, status: response.status, response })
    final = response
    const location = response.headers.location
    if (!REDIRECTS.has(response.status) || !location) break
    let next: URL
    try {
      next = new URL(location, url)
    } catch {
      break
    }
    if (!allowed.has(origin(next))) {
      hops.push({ url: next.href, status: 0 })
      return { hops, final, error: undefined, leftOrigin: true }
    }
    url = next
  }
  return { hops, final, error: undefined, leftOrigin: false }
}

/** The origins of the CORS probes (reference LIVE-CORS-01..05). */
export function corsOrigins(host: string, secure: boolean): [CorsProbeKind, string][] {
  const random = randomBytes(4).toString('hex')
  const probes: [CorsProbeKind, string][] = [
    ['random', `https://${random}.invalid-origin.example`],
    ['null', 'null'],
    ['prefix', `https://evil${host}`],
    ['hyphen', `https://evil-${host}`],
    ['suffix', `https://${host}.${random}.example`],
  ]
  if (host.includes('.')) probes.push(['dot', `https://${host.replace('.', 'a')}`])
  if (secure) probes.push(['insecure', `http://${host}`])
  return probes
}
