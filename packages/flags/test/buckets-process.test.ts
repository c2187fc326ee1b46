import { spawnTs } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import { normalizedValue } from '../src/bucket.ts'
import { createFlags } from '../src/index.ts'
import { DEFINITIONS } from './helpers/definitions.ts'
import { BUCKETS_FIXTURE, bounded } from './helpers/processes.ts'

const USERS = 5000

describe('sticky buckets across processes', () => {
  it('puts every user in the same bucket and variant in two separate processes (and this one)', async () => {
    const [first, second] = await Promise.all(
      [1, 2].map((n) => bounded(spawnTs(BUCKETS_FIXTURE, [String(USERS)]), 30_000, `buckets process ${n}`)),
    )
    expect(first!.code).toBe(0)
    expect(second!.code).toBe(0)
    const a = JSON.parse(first!.stdout) as { pid: number; rows: [number, boolean, string][] }
    const b = JSON.parse(second!.stdout) as { pid: number; rows: [number, boolean, string][] }
    expect(a.pid).not.toBe(b.pid)
    expect(a.rows).toHaveLength(USERS)
    expect(b.rows).toEqual(a.rows)

    const flags = createFlags(
      DEFINITIONS,
      { file: false },
      {
        env: {
          FEATURE_FLAGS: JSON.stringify({
            newCheckout: { rollout: 37 },
            checkoutCopy: { weights: { a: 1, b: 2, c: 3 } },
          }),
        },
      },
    )
    const here = a.rows.map((_, i): [number, boolean, string] => {
      const userId = `user-${i}`
      return [
        normalizedValue(userId, 'newCheckout'),
        flags.isEnabled('newCheckout', { userId }),
        flags.variant('checkoutCopy', { userId }),
      ]
    })
    expect(here).toEqual(a.rows)
    // The buckets spread over 1..100 and the rollout follows them.
    expect(new Set(a.rows.map(([bucket]) => bucket)).size).toBe(100)
    expect(a.rows.every(([bucket, on]) => on === bucket <= 37)).toBe(true)
  })
})
