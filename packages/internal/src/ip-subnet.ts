import { ipaddr } from './ipaddr.ts'

/**
 * The rate-limit key of a client address: IPv4 as is, IPv6 as the network
 * of its first `subnet` bits (`2001:db8:abcd:1200::/56`). One home or one
 * server usually owns a whole /56 or /64, so rotating addresses inside it
 * must not buy new limits. The text is RFC 5952 (lower case, longest zero
 * run as `::`), the same keys express-rate-limit's ipKeyGenerator writes, so
 * counters kept in a shared store survive a move to kit.
 * Returns the input unchanged when it is not an IPv6 address, and an
 * IPv4-mapped address as its IPv4 form.
 */
export function ipv6SubnetKey(ip: string, subnet: number): string {
  if (!ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return ip
  const address = ipaddr.IPv6.parse(ip)
  // An IPv4-mapped address is an IPv4 client: keyed as one.
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString()
  const parts = address.parts
  const masked: number[] = new Array(8)
  for (let i = 0; i < 8; i++) {
    const bits = Math.min(16, Math.max(0, subnet - i * 16))
    masked[i] = bits === 0 ? 0 : parts[i]! & ((0xffff << (16 - bits)) & 0xffff)
  }
  return `${new ipaddr.IPv6(masked).toRFC5952String()}/${subnet}`
}
