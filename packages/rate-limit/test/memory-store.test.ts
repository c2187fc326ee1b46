import { afterAll, describe, expect, it } from 'vitest'
import { createRateLimits, MemoryStore } from '../src/index.ts'
import { testRateLimitStore } from './helpers/store-conformance.ts'

const store = new MemoryStore()
afterAll(() => store.close())

testRateLimitStore(
  'memory',
  () => store,
  () => 'test:',
)

describe('MemoryStore', () => {
  it('drops expired counters on its sweep', async () => {
    const sweeping = new MemoryStore({ sweepIntervalMs: 100 })
    try {
      sweeping.hit('a', 1000)
      sweeping.hit('b', 60_000)
      await new Promise((r) => setTimeout(r, 1300))
      expect(sweeping.size).toBe(1)
    } finally {
      sweeping.close()
    }
  })

  it('is closed by the shutdown hook of the limits that created it', async () => {
    const limits = createRateLimits()
    await limits.shutdownHook.close()
    expect((limits.store as MemoryStore).size).toBe(0)
    expect(limits.shutdownHook.name).toBe('rate-limit')
  })
})
