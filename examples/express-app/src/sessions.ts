import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const TTL_SECONDS = 60 * 60 * 24 * 7

/** Stateless signed session tokens: `<userId>.<expiry>.<hmac>`. */
export function createSessions(secret: string | undefined): {
  issue(userId: number): string
  read(token: string | undefined): number | undefined
  maxAgeSeconds: number
} {
  // Development without SESSION_SECRET: a random key per start (sessions end on restart).
  const key = secret ?? randomBytes(32).toString('base64url')
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url')
  return {
    maxAgeSeconds: TTL_SECONDS,
    issue(userId) {
      const payload = `${userId}.${Math.floor(Date.now() / 1000) + TTL_SECONDS}`
      return `${payload}.${sign(payload)}`
    },
    read(token) {
      const [id, expiry, mac] = token?.split('.') ?? []
      if (!id || !expiry || !mac) return undefined
      const expected = Buffer.from(sign(`${id}.${expiry}`))
      const given = Buffer.from(mac)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
      if (Number(expiry) < Date.now() / 1000) return undefined
      return Number(id)
    },
  }
}
