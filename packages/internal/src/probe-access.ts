import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isPrivateAddress, parseAddress } from './network.ts'

export interface ProbeAccessOptions {
  /** A token that grants access from anywhere, with any Host. */
  token: string | undefined
  /** Headers that may carry the token besides `Authorization: Bearer`. @default [] */
  tokenHeaders?: readonly string[]
  /** Let requests from a private network in without the token (see below). */
  trustPrivateNetwork: boolean
  /** Host names the app serves (its allow-list); a private-network request may also name one of them. */
  allowedHost?: (hostname: string) => boolean
}

/**
 * Who may read what health details and /metrics expose. A request is let in
 * when it carries the token, or, when private networks are trusted, when
 * all of these hold:
 * - it arrived from a private address, and every forwarded hop it names
 *   (X-Forwarded-For, Forwarded) is private too: on Heroku every request
 *   comes from the router's private address with the client forwarded;
 * - its Host (and X-Forwarded-Host) is an IP literal, `localhost`, or a host
 *   the app serves. A DNS-rebinding page reaches a private address under
 *   the attacker's own name, which none of these can be.
 * Used by @kit/health and @kit/metrics, so both answer alike.
 */
export function createProbeAccess(options: ProbeAccessOptions): (req: IncomingMessage) => boolean {
  const expected = options.token ? digest(options.token) : undefined
  const headers = (options.tokenHeaders ?? []).map((h) => h.toLowerCase())
  const { trustPrivateNetwork, allowedHost } = options
  return (req) => {
    if (expected) {
      const given = presentedToken(req, headers)
      // Digests have one length, so timingSafeEqual never throws and the token's length does not leak.
      if (given !== undefined && timingSafeEqual(digest(given), expected)) return true
    }
    return trustPrivateNetwork && fromPrivateNetwork(req) && probeHost(req, allowedHost)
  }
}

function presentedToken(req: IncomingMessage, headers: readonly string[]): string | undefined {
  for (const name of headers) {
    const value = req.headers[name]
    if (typeof value === 'string' && value) return value
  }
  const auth = req.headers.authorization
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim()
  return undefined
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function fromPrivateNetwork(req: IncomingMessage): boolean {
  if (!isPrivateAddress(req.socket.remoteAddress)) return false
  const forwardedFor = req.headers['x-forwarded-for']
  for (const value of Array.isArray(forwardedFor) ? forwardedFor : forwardedFor ? [forwardedFor] : []) {
    for (const hop of value.split(',')) if (!isPrivateAddress(hop)) return false
  }
  const forwarded = req.headers.forwarded
  if (forwarded) {
    for (const match of forwarded.matchAll(/for=("[^"]*"|[^,;\s]*)/gi)) {
      if (!isPrivateAddress(match[1]!.replace(/^"|"$/g, ''))) return false
    }
  }
  return true
}

/** Host and X-Forwarded-Host (when present) each name an IP literal, localhost, or an allowed host. */
function probeHost(req: IncomingMessage, allowedHost: ((hostname: string) => boolean) | undefined): boolean {
  const names = [req.headers.host, req.headers['x-forwarded-host']]
  if (names[0] === undefined) return false
  for (const value of names) {
    if (value === undefined) continue
    for (const entry of (Array.isArray(value) ? value.join(',') : value).split(',')) {
      const hostname = hostnameOf(entry.trim())
      if (hostname === undefined) return false
      if (hostname === 'localhost' || hostname.endsWith('.localhost')) continue
      if (parseAddress(hostname) !== undefined) continue
      if (allowedHost?.(hostname)) continue
      return false
    }
  }
  return true
}

function hostnameOf(host: string): string | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(host)
  if (!match) return undefined
  const name = match[1]!.toLowerCase()
  return name.endsWith('.') ? name.slice(0, -1) : name
}
