/**
 * MurmurHash3, x86 32-bit variant, over the UTF-8 bytes of a string. The
 * same function Unleash's clients use for sticky bucketing, so a user lands
 * in the same bucket in every instance, every restart and every language.
 * Written for speed on the ASCII keys flags hash (`flag:userId`): no
 * allocation unless the key holds non-ASCII characters.
 */
const C1 = 0xcc9e2d51
const C2 = 0x1b873593
const encoder = new TextEncoder()

export function murmur3(key: string, seed = 0): number {
  const length = key.length
  for (let i = 0; i < length; i++) {
    if (key.charCodeAt(i) > 0x7f) return murmur3Bytes(encoder.encode(key), seed)
  }
  let h = seed >>> 0
  const blocks = length & ~3
  let i = 0
  for (; i < blocks; i += 4) {
    let k =
      key.charCodeAt(i) |
      (key.charCodeAt(i + 1) << 8) |
      (key.charCodeAt(i + 2) << 16) |
      (key.charCodeAt(i + 3) << 24)
    k = Math.imul(k, C1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, C2)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const rest = length & 3
  if (rest > 0) {
    let k = key.charCodeAt(i)
    if (rest > 1) k ^= key.charCodeAt(i + 1) << 8
    if (rest > 2) k ^= key.charCodeAt(i + 2) << 16
    k = Math.imul(k, C1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, C2)
    h ^= k
  }
  return finalMix(h, length)
}

/** The same hash over bytes (non-ASCII keys, and for test vectors given as bytes). */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length
  let h = seed >>> 0
  const blocks = length & ~3
  let i = 0
  for (; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    k = Math.imul(k, C1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, C2)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const rest = length & 3
  if (rest > 0) {
    let k = bytes[i]!
    if (rest > 1) k ^= bytes[i + 1]! << 8
    if (rest > 2) k ^= bytes[i + 2]! << 16
    k = Math.imul(k, C1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, C2)
    h ^= k
  }
  return finalMix(h, length)
}

function finalMix(hash: number, length: number): number {
  let h = hash ^ length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
