import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isPrivateAddress } from '@kit/internal'

/**
 * Who may read /metrics: a request with `Authorization: Bearer <token>`, or
 * (when allowed) one from a private network that was not forwarded from a
 * public address. On Heroku every request arrives from the router's private
 * address with the client in X-Forwarded-For, so every hop must be private.
 */
export function createAccessCheck(
  token: string | undefined,
  trustPrivateNetwork: boolean,
): (req: IncomingMessage) => boolean {
  const expected = token === undefined ? undefined : digest(token)
  return (req) => {
    if (expected) {
      const given = bearerToken(req)
      // Digests have one length, so timingSafeEqual never throws and the token's length does not leak.
      if (given !== undefined && timingSafeEqual(digest(given), expected)) return true
    }
    return trustPrivateNetwork && fromPrivateNetwork(req)
  }
}

function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization
  if (!auth || !/^bearer\s+/i.test(auth)) return undefined
  return auth.replace(/^bearer\s+/i, '').trim()
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function fromPrivateNetwork(req: IncomingMessage): boolean {
  if (!isPrivateAddress(req.socket.remoteAddress)) return false
  const hops: string[] = []
  const forwardedFor = req.headers['x-forwarded-for']
  for (const value of Array.isArray(forwardedFor) ? forwardedFor : forwardedFor ? [forwardedFor] : []) {
    for (const hop of value.split(',')) hops.push(hop.trim())
  }
  const forwarded = req.headers.forwarded
  if (forwarded) {
    for (const match of forwarded.matchAll(/for="?\[?([^\]",;]+)/gi)) hops.push(match[1] ?? '')
  }
  return hops.every((hop) => isPrivateAddress(withoutPort(hop)))
}

function withoutPort(hop: string): string {
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop)
  return v4WithPort ? v4WithPort[1]! : hop
}
