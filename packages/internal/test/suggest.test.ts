import { closestName, didYouMean, editDistance } from '@kit/internal'
import { describe, expect, it } from 'vitest'

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['csp', 'csp', 0],
    ['cspp', 'csp', 1],
    ['secrte', 'secret', 2],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d)
  })
})

describe('closestName', () => {
  it('names the closest candidate, ignoring case', () => {
    expect(closestName('pollIntervalMS', ['pollIntervalMs', 'startTimeoutMs'])).toBe('pollIntervalMs')
  })

  it('names none when every candidate is too far to be a typo', () => {
    expect(closestName('database', ['csp', 'hsts'])).toBeUndefined()
  })

  it('honours maxDistance', () => {
    expect(closestName('aii', ['ai'], { maxDistance: 1 })).toBe('ai')
    expect(closestName('abcd', ['wxyz'], { maxDistance: 2 })).toBeUndefined()
  })

  it('counts a long shared prefix as close when asked', () => {
    expect(closestName('cooldown', ['cooldownMs', 'path'], { maxDistance: 1 })).toBeUndefined()
    expect(closestName('cooldown', ['cooldownMs', 'path'], { maxDistance: 1, sharedPrefix: 5 })).toBe(
      'cooldownMs',
    )
  })
})

describe('didYouMean', () => {
  it('quotes the suggestion in the message style asked for', () => {
    expect(didYouMean('sendgird', ['sendgrid'])).toBe(' Did you mean "sendgrid"?')
    expect(didYouMean('perMinut', ['perMinute'], { quote: '`' })).toBe(' Did you mean `perMinute`?')
    expect(didYouMean('zzz', ['sendgrid'])).toBe('')
  })
})
