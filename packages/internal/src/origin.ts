/**
 * The one reader of configured CORS origins (ALLOWED_ORIGINS, cors.origins),
 * used by @kit/env's schema and by @kit/security, so an origin one accepts
 * the other accepts too. It reads what people write (a trailing slash, upper
 * case, a default port, an IDN host) and returns the origin as browsers send
 * it; request-time matching stays exact.
 */

export interface ConfiguredOrigin {
  scheme: 'http' | 'https'
  /** Lower case, punycode; an IPv6 literal keeps its brackets. For a pattern, the part after `*.`. */
  host: string
  /** '' for the scheme's default port. */
  port: string
  /** `https://*.example.com`: one or more whole labels before the host. */
  wildcard: boolean
  /** The normalised form: `https://example.com`, `https://*.example.com:8443`. */
  text: string
}

const LABELS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/
const WILDCARD = /^(https?:\/\/)\*\.(.*)$/i
// A stand-in first label while the URL parser reads a pattern.
const STAND_IN = 'kit-wildcard.'

/** One entry, or what is wrong with it (a sentence starting with the entry, quoted). */
export function parseConfiguredOrigin(entry: string): ConfiguredOrigin | { problem: string } {
  const text = entry.trim()
  const quoted = JSON.stringify(entry)
  const bad = (why: string) => ({ problem: `${quoted} ${why}` })
  if (text.toLowerCase() === 'null') {
    return bad(
      "is the opaque 'null' origin, which sandboxed iframes and local files send: any site can forge it",
    )
  }
  if (!/^https?:\/\//i.test(text)) return bad('needs a scheme (https:// or http://)')
  const portText = /^https?:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(text)?.[1]
  if (portText !== undefined && (Number(portText) < 1 || Number(portText) > 65535)) {
    return bad('has a port outside 1-65535')
  }
  const wildcard = WILDCARD.exec(text)
  const candidate = wildcard ? `${wildcard[1]}${STAND_IN}${wildcard[2]}` : text
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return bad('is not an origin (expected scheme://host[:port])')
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    /[?#]/.test(candidate) ||
    url.pathname !== '/'
  ) {
    return bad('has a path, query or credentials; an origin is scheme://host[:port] only')
  }
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  const host = wildcard ? url.hostname.slice(STAND_IN.length) : url.hostname
  if (host.includes('*')) return bad("has a '*' that is not the whole first label")
  if (!IPV6_LITERAL.test(host) && !LABELS.test(host)) return bad('has an invalid host name')
  if (wildcard && (!host.includes('.') || IPV6_LITERAL.test(host))) {
    return bad('matches a whole top-level domain; use https://*.example.com or list origins')
  }
  const port = url.port
  return {
    scheme,
    host,
    port,
    wildcard: wildcard !== null,
    text: `${scheme}://${wildcard ? '*.' : ''}${host}${port ? `:${port}` : ''}`,
  }
}
