import { ipv6SubnetKey } from '@kit/internal'
import type { KeyBy } from '../options.ts'

/**
 * The key of a client IP: IPv4 as is, an IPv4-mapped IPv6 address as its
 * IPv4 form, any other IPv6 address as its /`subnet` network (@kit/internal
 * ipv6SubnetKey, the same keys on both frameworks).
 */
export function ipKey(ip: string, subnet: number): string {
  return ipv6SubnetKey(ip, subnet)
}

/** A user key from `keyBy`, prefixed so it can never collide with an IP key; undefined to fall back to the IP. */
export function userKey(keyBy: KeyBy, req: unknown): string | undefined {
  const id = keyBy(req)
  if (id === undefined || id === null || id === '') return undefined
  return `user:${String(id)}`
}
