import { randomFillSync } from 'node:crypto'

const NONCE_BYTES = 16 // 128 bits, the CSP spec's recommended minimum
const POOL_BYTES = NONCE_BYTES * 256

// One CSPRNG call fills 256 nonces: per request only a base64 slice remains.
const pool = Buffer.allocUnsafe(POOL_BYTES)
let offset = POOL_BYTES

/** A fresh, unpredictable CSP nonce (24 base64 characters). */
export function createNonce(): string {
  if (offset === POOL_BYTES) {
    randomFillSync(pool)
    offset = 0
  }
  const nonce = pool.toString('base64', offset, offset + NONCE_BYTES)
  offset += NONCE_BYTES
  return nonce
}

/** The policy string for one nonce: the parts were split where the nonce goes. */
export function policyWithNonce(parts: readonly string[], nonce: string): string {
  if (parts.length === 1) return parts[0]!
  if (parts.length === 3) return parts[0]! + nonce + parts[1]! + nonce + parts[2]!
  return parts.join(nonce)
}
