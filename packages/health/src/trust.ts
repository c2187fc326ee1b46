import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isPrivateAddress } from '@kit/internal'

/**
 * Decides who sees check details. A request is trusted when it carries the
 * token, or (when allowed) when it comes from a private network and was not
 * forwarded from a public address: on Heroku every request arrives from the
 * router's private address, so a forwarded request is trusted only if every
 * hop it names is private too.
 */
export function createTrust(
  token: string | undefined,
  trustPrivateNetwork: boolean,
): (req: IncomingMessage) => boolean {
  const expected = token === undefined ? undefined : digest(token)
  return (req) => {
    if (expected) {
      const given = presentedToken(req)
      if (given !== undefined && timingSafeEqual(digest(given), expected)) return true
    }
    return trustPrivateNetwork && fromPrivateNetwork(req)
  }
}

function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers['x-health-token']
  if (typeof header === 'string' && header) return header
  const auth = req.headers.authorization
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim()
  return undefined
}

// Digests have one length, so timingSafeEqual never throws and the token length does not leak.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function fromPrivateNetwork(req: IncomingMessage): boolean {
  if (!isPrivateAddress(req.socket.remoteAddress)) return false
  const forwardedFor = req.headers['x-forwarded-for']
  const hops: string[] = []
  for (const value of Array.isArray(forwardedFor) ? forwardedFor : forwardedFor ? [forwardedFor] : []) {
    for (const hop of value.split(',')) hops.push(hop.trim())
  }
  const forwarded = req.headers.forwarded
  if (forwarded) {
    for (const match of forwarded.matchAll(/for="?\[?([^\]",;]+)/gi)) hops.push(match[1] ?? '')
  }
  return hops.every((hop) => isPrivateAddress(stripPort(hop)))
}

function stripPort(hop: string): string {
  // "1.2.3.4:5678" → "1.2.3.4"; IPv6 addresses keep their colons.
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop)
  return v4WithPort ? v4WithPort[1]! : hop
}
