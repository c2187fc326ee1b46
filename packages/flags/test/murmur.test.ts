import { describe, expect, it } from 'vitest'
import { normalizedValue, VARIANT_SEED } from '../src/bucket.ts'
import { murmur3, murmur3Bytes } from '../src/murmur.ts'

describe('murmur3 (x86, 32-bit)', () => {
  // Published test vectors of MurmurHash3_x86_32.
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['abc', 0, 0xb3dd93fa],
    ['Hello, world!', 0, 0xc0363e43],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('hashes %j with seed %i to the reference value', (key, seed, expected) => {
    expect(murmur3(key, seed)).toBe(expected)
  })

  it('hashes four zero bytes to the reference value', () => {
    expect(murmur3Bytes(new Uint8Array(4), 0)).toBe(0x2362f9de)
  })

  it('hashes every tail length (1 to 3 bytes after the blocks) like the byte version', () => {
    for (const key of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg']) {
      expect(murmur3(key, 42)).toBe(murmur3Bytes(Buffer.from(key), 42))
    }
  })

  it('hashes non-ASCII keys over their UTF-8 bytes', () => {
    for (const key of ['ünïcödé', 'user:Ω', '用户42', 'emoji 🚀']) {
      expect(murmur3(key, 0)).toBe(murmur3Bytes(new TextEncoder().encode(key), 0))
    }
  })

  it('returns unsigned 32-bit integers', () => {
    for (let i = 0; i < 1000; i++) {
      const hash = murmur3(`user-${i}`)
      expect(Number.isInteger(hash) && hash >= 0 && hash <= 0xffffffff).toBe(true)
    }
  })
})

describe('normalizedValue (Unleash-compatible buckets)', () => {
  // The values Unleash's Node, Java and Go clients assert for the same inputs.
  it('puts user 123 of group gr1 in bucket 73 and user 999 of groupX in bucket 25', () => {
    expect(normalizedValue('123', 'gr1')).toBe(73)
    expect(normalizedValue('999', 'groupX')).toBe(25)
  })

  it('stays within 1..normalizer', () => {
    for (let i = 0; i < 5000; i++) {
      const value = normalizedValue(String(i), 'flag', 1000, VARIANT_SEED)
      expect(value >= 1 && value <= 1000).toBe(true)
    }
  })

  it('buckets the same user differently for different flags (the flag name is the group)', () => {
    const same = Array.from({ length: 1000 }, (_, i) => String(i)).filter(
      (id) => normalizedValue(id, 'flagA') === normalizedValue(id, 'flagB'),
    )
    expect(same.length).toBeLessThan(50)
  })
})
