import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { RateLimitStore } from '../../src/index.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The contract every RateLimitStore meets (STYLE: one conformance suite per
 * contract). `store()` returns the store under test; keys are unique per test.
 */
export function testRateLimitStore(name: string, store: () => RateLimitStore, prefix: () => string): void {
  const key = () => `${prefix()}${randomBytes(4).toString('hex')}`

  describe(`${name}: the RateLimitStore contract`, () => {
    it('counts hits in one window and reports when it resets', async () => {
      const k = key()
      const before = Date.now()
      // A counter is read at once (the memory store hands out its live entry): copy it.
      const first = { ...(await store().hit(k, 60_000)) }
      const second = await store().hit(k, 60_000)
      expect([first.hits, second.hits]).toEqual([1, 2])
      expect(first.resetAt).toBeGreaterThanOrEqual(before + 59_000)
      expect(first.resetAt).toBeLessThanOrEqual(Date.now() + 60_000)
      expect(Math.abs(second.resetAt - first.resetAt)).toBeLessThan(1000)
    })

    it('keeps keys apart', async () => {
      const [a, b] = [key(), key()]
      await store().hit(a, 60_000)
      await store().hit(a, 60_000)
      expect((await store().hit(b, 60_000)).hits).toBe(1)
    })

    it('starts a new window once the old one has passed', async () => {
      const k = key()
      await store().hit(k, 1000)
      await store().hit(k, 1000)
      await sleep(1200)
      expect((await store().hit(k, 1000)).hits).toBe(1)
    })

    it('takes hits back with decrement, never below zero, never creating a key', async () => {
      const [k, absent] = [key(), key()]
      await store().hit(k, 60_000)
      await store().hit(k, 60_000)
      await store().decrement([k, absent])
      expect((await store().hit(k, 60_000)).hits).toBe(2)
      await store().decrement([absent])
      expect((await store().hit(absent, 60_000)).hits).toBe(1)
    })

    it('forgets a key with reset', async () => {
      const k = key()
      await store().hit(k, 60_000)
      await store().reset(k)
      expect((await store().hit(k, 60_000)).hits).toBe(1)
    })

    it('counts attempts per key and holds a key that reaches its threshold for the block time', async () => {
      const [ip, account] = [key(), key()]
      const window = 60_000
      const block = 3_600_000
      let counters = await store().countAttempt([ip, account], window, [5, 2], block)
      expect(counters.map((c) => c.hits)).toEqual([1, 1])
      counters = await store().countAttempt([ip, account], window, [5, 2], block)
      expect(counters.map((c) => c.hits)).toEqual([2, 2])
      // The account reached its threshold: it is now held for the block time, the IP is not.
      expect(counters[1]!.resetAt).toBeGreaterThan(Date.now() + window + 60_000)
      expect(counters[0]!.resetAt).toBeLessThanOrEqual(Date.now() + window)
      counters = await store().countAttempt([ip, account], window, [5, 2], block)
      expect(counters[1]!.hits).toBe(3)
    })
  })
}
