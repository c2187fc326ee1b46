import { isIP } from 'node:net'

/**
 * True for loopback, RFC 1918, link-local, CGNAT and IPv6 unique-local
 * addresses (and their IPv4-mapped forms). Used to decide who may see health
 * details or metrics without a token.
 */
export function isPrivateAddress(address: string | undefined): boolean {
  if (!address) return false
  let ip = address
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7)
  const family = isIP(ip)
  if (family === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number)
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    )
  }
  if (family === 6) {
    const lower = ip.toLowerCase()
    return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || /^fe[89ab]/.test(lower)
  }
  return false
}
