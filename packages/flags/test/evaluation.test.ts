import { isKitError } from '@kit/internal'
import { describe, expect, it } from 'vitest'
import { createFlags } from '../src/index.ts'
import { DEFINITIONS } from './helpers/definitions.ts'

/** Flags whose only source is a FEATURE_FLAGS value: evaluation needs no database. */
function flagsWith(states: Record<string, unknown>) {
  return createFlags(DEFINITIONS, { file: false }, { env: { FEATURE_FLAGS: JSON.stringify(states) } })
}

const USERS = 100_000

function share(check: (userId: string) => boolean, users = USERS): number {
  let hits = 0
  for (let i = 0; i < users; i++) if (check(`user-${i}`)) hits++
  return (hits / users) * 100
}

describe('defaults', () => {
  it('serves each definition’s default when no source mentions the flag', () => {
    const flags = createFlags(DEFINITIONS, { file: false }, { env: {} })
    expect(flags.get('newCheckout')).toBe(false)
    expect(flags.get('checkoutCopy')).toBe('a')
    expect(flags.get('maxItems')).toBe(10)
    expect(flags.evaluate('newCheckout')).toEqual({
      value: false,
      enabled: false,
      reason: 'DEFAULT',
      source: 'default',
    })
  })

  it('treats a string or number flag that serves its default as enabled', () => {
    const flags = createFlags(DEFINITIONS, { file: false }, { env: {} })
    expect(flags.isEnabled('checkoutCopy')).toBe(true)
  })
})

describe('on/off', () => {
  it('serves true to everyone when a boolean flag is on', () => {
    const flags = flagsWith({ newCheckout: true })
    expect(flags.isEnabled('newCheckout')).toBe(true)
    expect(flags.isEnabled('newCheckout', { userId: 'x' })).toBe(true)
    expect(flags.evaluate('newCheckout').reason).toBe('STATIC')
  })

  it('serves false (boolean) or the default (others) when a flag is switched off, whatever its targeting', () => {
    const flags = flagsWith({
      newCheckout: { enabled: false, allow: ['vip'] },
      checkoutCopy: { enabled: false, value: 'b' },
    })
    expect(flags.isEnabled('newCheckout', { userId: 'vip' })).toBe(false)
    expect(flags.get('checkoutCopy')).toBe('a')
    expect(flags.isEnabled('checkoutCopy')).toBe(false)
    expect(flags.evaluate('checkoutCopy').reason).toBe('DISABLED')
  })

  it('serves the configured value of a string or number flag', () => {
    const flags = flagsWith({ checkoutCopy: 'c', maxItems: 25 })
    expect(flags.get('checkoutCopy')).toBe('c')
    expect(flags.variant('checkoutCopy')).toBe('c')
    expect(flags.get('maxItems')).toBe(25)
  })
})

describe('allow and deny lists', () => {
  const flags = flagsWith({ newCheckout: { allow: ['vip', 42], deny: ['banned'], rollout: 0 } })

  it('turns the flag on for allowed user ids, even outside the rollout', () => {
    expect(flags.isEnabled('newCheckout', { userId: 'vip' })).toBe(true)
    expect(flags.isEnabled('newCheckout', { userId: 42 })).toBe(true)
    expect(flags.evaluate('newCheckout', { userId: 'vip' }).reason).toBe('TARGETING_MATCH')
  })

  it('turns it off for denied ids', () => {
    expect(flags.isEnabled('newCheckout', { userId: 'banned' })).toBe(false)
    expect(flags.evaluate('newCheckout', { userId: 'banned' }).reason).toBe('TARGETING_MATCH')
  })

  it('lets deny beat allow for an id on both lists', () => {
    const both = flagsWith({ newCheckout: { allow: ['x'], deny: ['x'] } })
    expect(both.isEnabled('newCheckout', { userId: 'x' })).toBe(false)
  })

  it('serves the flag to the allowed ids only when there are no rules and no rollout', () => {
    const betaList = flagsWith({
      newCheckout: { allow: ['vip'] },
      checkoutCopy: { allow: ['vip'], value: 'b' },
    })
    expect(betaList.isEnabled('newCheckout', { userId: 'vip' })).toBe(true)
    expect(betaList.evaluate('newCheckout', { userId: 'other' })).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    })
    expect(betaList.isEnabled('newCheckout')).toBe(false)
    expect(betaList.get('checkoutCopy', { userId: 'vip' })).toBe('b')
    expect(betaList.get('checkoutCopy', { userId: 'other' })).toBe('a')
  })

  it('leaves everyone else to the rest of the targeting', () => {
    expect(flags.isEnabled('newCheckout', { userId: 'someone' })).toBe(false)
    expect(flags.isEnabled('newCheckout')).toBe(false)
  })
})

describe('attribute rules', () => {
  const flags = flagsWith({ newCheckout: { rules: ['plan in [pro, team]', 'country not in [US]'] } })

  it('turns the flag on when every rule holds', () => {
    const result = flags.evaluate('newCheckout', { attributes: { plan: 'pro', country: 'DE' } })
    expect(result).toMatchObject({ value: true, reason: 'TARGETING_MATCH' })
  })

  it('turns it off when one rule fails', () => {
    expect(flags.isEnabled('newCheckout', { attributes: { plan: 'free', country: 'DE' } })).toBe(false)
    expect(flags.isEnabled('newCheckout', { attributes: { plan: 'team', country: 'US' } })).toBe(false)
    expect(flags.evaluate('newCheckout', { attributes: { plan: 'free' } }).reason).toBe('DEFAULT')
  })

  it('fails "in" and passes "not in" for a missing attribute', () => {
    expect(flags.isEnabled('newCheckout', { attributes: { country: 'DE' } })).toBe(false)
    expect(flags.isEnabled('newCheckout', { attributes: { plan: 'pro' } })).toBe(true)
  })

  it('matches an array attribute when any element is listed', () => {
    const roles = flagsWith({ newCheckout: { rules: ['roles in [admin]'] } })
    expect(roles.isEnabled('newCheckout', { attributes: { roles: ['user', 'admin'] } })).toBe(true)
    expect(roles.isEnabled('newCheckout', { attributes: { roles: ['user'] } })).toBe(false)
  })

  it('compares numbers and booleans by their text', () => {
    const numeric = flagsWith({ newCheckout: { rules: ['seats in [5, 10]', 'beta = true'] } })
    expect(numeric.isEnabled('newCheckout', { attributes: { seats: 10, beta: true } })).toBe(true)
  })

  it('can target the user id itself', () => {
    const byId = flagsWith({ newCheckout: { rules: ['userId in [7]'] } })
    expect(byId.isEnabled('newCheckout', { userId: 7 })).toBe(true)
    expect(byId.isEnabled('newCheckout', { userId: 8 })).toBe(false)
  })
})

describe('percentage rollout', () => {
  it.each([1, 10, 25, 50, 90])('turns %i%% of 100k synthetic users on, within ±1%%', (percent) => {
    const flags = flagsWith({ newCheckout: { rollout: percent } })
    const measured = share((userId) => flags.isEnabled('newCheckout', { userId }))
    expect(Math.abs(measured - percent)).toBeLessThanOrEqual(1)
  })

  it('keeps each user in the same bucket, and only adds users when the percentage grows', () => {
    const at10 = flagsWith({ newCheckout: { rollout: 10 } })
    const at30 = flagsWith({ newCheckout: { rollout: 30 } })
    for (let i = 0; i < 5000; i++) {
      const userId = `user-${i}`
      const first = at10.isEnabled('newCheckout', { userId })
      expect(at10.isEnabled('newCheckout', { userId })).toBe(first)
      if (first) expect(at30.isEnabled('newCheckout', { userId })).toBe(true)
    }
  })

  it('buckets by another attribute with stickiness', () => {
    const flags = flagsWith({ newCheckout: { rollout: 50, stickiness: 'accountId' } })
    for (let account = 0; account < 200; account++) {
      const answers = new Set(
        ['u1', 'u2', 'u3'].map((userId) =>
          flags.isEnabled('newCheckout', { userId, attributes: { accountId: account } }),
        ),
      )
      expect(answers.size).toBe(1)
    }
  })

  it('keeps anonymous requests out of a partial rollout (no random flip between requests)', () => {
    const flags = flagsWith({ newCheckout: { rollout: 99 } })
    expect(flags.evaluate('newCheckout')).toMatchObject({ value: false, reason: 'SPLIT' })
  })

  it('serves nobody at 0% and everybody at 100%', () => {
    expect(
      share(
        (userId) => flagsWith({ newCheckout: { rollout: 0 } }).isEnabled('newCheckout', { userId }),
        1000,
      ),
    ).toBe(0)
    const all = flagsWith({ newCheckout: { rollout: 100 } })
    expect(all.evaluate('newCheckout')).toMatchObject({ value: true, reason: 'STATIC' })
  })

  it('applies rules before the rollout', () => {
    const flags = flagsWith({ newCheckout: { rules: ['plan = pro'], rollout: 50 } })
    const free = share(
      (userId) => flags.isEnabled('newCheckout', { userId, attributes: { plan: 'free' } }),
      2000,
    )
    const pro = share(
      (userId) => flags.isEnabled('newCheckout', { userId, attributes: { plan: 'pro' } }),
      20_000,
    )
    expect(free).toBe(0)
    expect(Math.abs(pro - 50)).toBeLessThan(2)
  })
})

describe('variant weights', () => {
  it('splits 100k users by weight within ±1%', () => {
    const flags = flagsWith({ checkoutCopy: { weights: { a: 20, b: 30, c: 50 } } })
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 }
    for (let i = 0; i < USERS; i++)
      counts[flags.variant('checkoutCopy', { userId: `user-${i}` }) as string]!++
    expect(Math.abs((counts.a! / USERS) * 100 - 20)).toBeLessThanOrEqual(1)
    expect(Math.abs((counts.b! / USERS) * 100 - 30)).toBeLessThanOrEqual(1)
    expect(Math.abs((counts.c! / USERS) * 100 - 50)).toBeLessThanOrEqual(1)
  })

  it('reports the weight key as the variant, with reason SPLIT', () => {
    const flags = flagsWith({ checkoutCopy: { weights: { a: 1, b: 1 } } })
    const result = flags.evaluate('checkoutCopy', { userId: 'u1' })
    expect(result.reason).toBe('SPLIT')
    expect(result.variant).toBe(result.value)
  })

  it('serves the plain value to anonymous requests', () => {
    const flags = flagsWith({ checkoutCopy: { value: 'b', weights: { a: 1, c: 1 } } })
    expect(flags.variant('checkoutCopy')).toBe('b')
  })

  it('ignores zero weights', () => {
    const flags = flagsWith({ checkoutCopy: { weights: { a: 0, b: 1 } } })
    expect(share((userId) => flags.variant('checkoutCopy', { userId }) === 'b', 2000)).toBe(100)
  })

  it('splits a number flag and a boolean flag too', () => {
    const flags = flagsWith({
      maxItems: { weights: { '10': 1, '20': 1 } },
      newCheckout: { weights: { true: 1, false: 3 } },
    })
    const values = new Set(Array.from({ length: 200 }, (_, i) => flags.get('maxItems', { userId: i })))
    expect(values).toEqual(new Set([10, 20]))
    const on = share((userId) => flags.isEnabled('newCheckout', { userId }), 20_000)
    expect(Math.abs(on - 25)).toBeLessThan(2)
  })

  it('picks the variant only among users inside the rollout', () => {
    const flags = flagsWith({ checkoutCopy: { rollout: 50, weights: { b: 1, c: 1 } } })
    const served = new Set(
      Array.from({ length: 500 }, (_, i) => flags.variant('checkoutCopy', { userId: i })),
    )
    expect(served).toEqual(new Set(['a', 'b', 'c']))
  })
})

describe('unknown flags', () => {
  it('throws KIT_FLAGS_UNKNOWN_FLAG with a suggestion at run time', () => {
    const flags = flagsWith({})
    try {
      // @ts-expect-error: an unknown name is a type error too.
      flags.isEnabled('newChekout')
      expect.unreachable()
    } catch (error) {
      expect(isKitError(error, 'KIT_FLAGS_UNKNOWN_FLAG')).toBe(true)
      expect((error as Error).message).toContain('Did you mean "newCheckout"?')
    }
  })
})

describe('forRequest()', () => {
  const flags = flagsWith({ newCheckout: { allow: ['vip'] }, checkoutCopy: { weights: { b: 1, c: 1 } } })

  it('binds evaluations to the context given', () => {
    const request = flags.forRequest({ userId: 'vip' })
    expect(request.isEnabled('newCheckout')).toBe(true)
    expect(request.get('newCheckout')).toBe(true)
    expect(request.variant('checkoutCopy')).toBe(flags.variant('checkoutCopy', { userId: 'vip' }))
    expect(request.evaluate('newCheckout').reason).toBe('TARGETING_MATCH')
  })

  it('calls a context function once, on the first evaluation', () => {
    let calls = 0
    const request = flags.forRequest(() => {
      calls++
      return { userId: 'vip' }
    })
    expect(calls).toBe(0)
    request.isEnabled('newCheckout')
    request.get('checkoutCopy')
    expect(calls).toBe(1)
    expect(request.context).toEqual({ userId: 'vip' })
  })
})
