import { ipKeyGenerator } from 'express-rate-limit'
import type { KeyBy } from '../options.ts'

/**
 * The key of a client IP: IPv4 as is, an IPv4-mapped IPv6 address as its
 * IPv4 form, any other IPv6 address as its /`subnet` network (one home or
 * one server usually owns a whole /56 or /64, so rotating addresses inside it
 * must not buy new limits). The same function serves both frameworks, so an
 * Express and a Fastify app behind one Redis group clients alike.
 */
export function ipKey(ip: string, subnet: number): string {
  // IPv4 (no colon) is its own key: skip the IPv6 parser on the common path.
  return ip.includes(':') ? ipKeyGenerator(ip, subnet) : ip
}

/** A user key from `keyBy`, prefixed so it can never collide with an IP key; undefined to fall back to the IP. */
export function userKey(keyBy: KeyBy, req: unknown): string | undefined {
  const id = keyBy(req)
  if (id === undefined || id === null || id === '') return undefined
  return `user:${String(id)}`
}
