import type { IncomingMessage } from 'node:http'
import type { IPv4, IPv6 } from 'ipaddr.js'
import { ipaddr } from './ipaddr.ts'

/**
 * Client addresses, normalised once. A forwarded address arrives in many
 * spellings of one client (`198.20.0.9:1234`, `[::ffff:198.20.0.9]`,
 * `198.020.000.009`, `0:0:0:0:0:0:0:1`); every component that keys, trusts
 * or logs by address uses the canonical form, so no spelling buys a new
 * rate-limit bucket or passes a private-network test it should fail.
 * Facts about ipaddr.js this relies on: docs/internals/client-addresses.md.
 */

// Four decimal parts with leading zeros: read as decimal, as the attack run's client meant
// (ipaddr.js would read `020` as octal, `009` not at all).
const PADDED_DECIMAL_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

// A dotted quad already in canonical form (no leading zero, each part <= 255): what most requests carry.
const CANONICAL_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** The canonical text of an IP address, or undefined when `value` is not one. */
export function normalizeAddress(value: string | undefined): string | undefined {
  // Parsing it would only print it back unchanged: skip the parse (once per request, on every request).
  if (value !== undefined && CANONICAL_V4.test(value)) return value
  const parsed = parseAddress(value)
  return parsed === undefined ? undefined : parsed.toString()
}

/** Parses an address with an optional port, brackets or zone; IPv4-mapped IPv6 becomes IPv4. */
export function parseAddress(value: string | undefined): IPv4 | IPv6 | undefined {
  if (value === undefined) return undefined
  let text = value.trim()
  if (text.length === 0 || text.length > 100) return undefined
  if (text.startsWith('[')) {
    // [v6] or [v6]:port
    const close = text.indexOf(']')
    if (close === -1 || (close !== text.length - 1 && !/^:\d{1,5}$/.test(text.slice(close + 1)))) {
      return undefined
    }
    text = text.slice(1, close)
  } else if (/^[\d.]+:\d{1,5}$/.test(text)) {
    text = text.slice(0, text.lastIndexOf(':'))
  }
  const zone = text.indexOf('%')
  if (zone !== -1) text = text.slice(0, zone)
  const padded = PADDED_DECIMAL_V4.exec(text)
  if (padded) {
    const parts = padded.slice(1).map(Number)
    if (parts.some((part) => part > 255)) return undefined
    return new ipaddr.IPv4(parts)
  }
  if (!ipaddr.isValid(text)) return undefined
  const address = ipaddr.parse(text)
  if (address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress()) {
    return (address as IPv6).toIPv4Address()
  }
  return address
}

// ipaddr.js range names (its `range()`), per family.
const PRIVATE_V4 = new Set(['private', 'loopback', 'linkLocal', 'carrierGradeNat'])
const PRIVATE_V6 = new Set(['uniqueLocal', 'loopback', 'linkLocal'])

/**
 * True for loopback, RFC 1918, link-local and CGNAT IPv4; IPv6 loopback,
 * unique-local (fc00::/7) and link-local (fe80::/10); and their IPv4-mapped
 * forms. Decided by ipaddr.js's range tables, not by text prefixes (`fc::1`
 * is 00fc::1, a public address). Used to decide who may read health details
 * or metrics without a token.
 */
export function isPrivateAddress(address: string | undefined): boolean {
  const parsed = parseAddress(address)
  if (parsed === undefined) return false
  return (parsed.kind() === 'ipv4' ? PRIVATE_V4 : PRIVATE_V6).has(parsed.range())
}

const kClientAddress = Symbol.for('kit.clientAddress')
type WithAddress = IncomingMessage & { [kClientAddress]?: string }

/** The address clientAddress() already worked out for this request, if any. */
export function cachedClientAddress(req: IncomingMessage): string | undefined {
  return (req as WithAddress)[kClientAddress]
}

/**
 * The client's address for this request, normalised once and cached on the
 * raw request: every kit component asks here (or through requestFacts()).
 * `frameworkIp` is the address the framework derived under its trust-proxy
 * setting (Express `req.ip`, Fastify `request.ip`); pass it as a function to
 * have it computed only when nothing is cached (the framework's derivation
 * walks X-Forwarded-For through proxy-addr on every call). When it is not an
 * IP address (a trusted proxy passed junk on), the connection's own address
 * is used, so junk cannot rotate keys.
 */
export function clientAddress(
  req: IncomingMessage,
  frameworkIp: string | undefined | (() => string | undefined),
): string {
  const cached = (req as WithAddress)[kClientAddress]
  if (cached !== undefined) return cached
  const ip = typeof frameworkIp === 'function' ? frameworkIp() : frameworkIp
  const address = normalizeAddress(ip) ?? normalizeAddress(req.socket?.remoteAddress) ?? 'unknown'
  ;(req as WithAddress)[kClientAddress] = address
  return address
}
