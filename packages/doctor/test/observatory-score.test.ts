import { scoreObservatory } from '@kit/doctor'
import { describe, expect, it } from 'vitest'
import { SCORE_FIXTURES } from './fixtures/observatory.ts'

describe('Observatory score and grade on header fixtures with known scores', () => {
  for (const fixture of SCORE_FIXTURES) {
    for (const algorithm of [5, 6] as const) {
      const expected = algorithm === 5 ? fixture.v5 : fixture.v6
      if (!expected) continue
      it(`${fixture.name}: ${expected.score} (${expected.grade}) on algorithm ${algorithm}`, () => {
        const result = scoreObservatory({ ...fixture.input, algorithm })
        const summary = result.tests.map((t) => `${t.result} ${t.modifier}`).join('\n')
        expect({ score: result.score, grade: result.grade }, summary).toEqual(expected)
        expect(result.testsQuantity).toBe(algorithm === 5 ? 10 : 12)
      })
    }
  }

  it('counts passed and failed tests by their pass flag, not their sign (SRI −5 fails)', () => {
    const mozilla = SCORE_FIXTURES.find((f) => f.name.startsWith('mozilla.org'))!
    const result = scoreObservatory({ ...mozilla.input, algorithm: 6 })
    // The published scan: 2 failed (CSP, SRI), 10 passed.
    expect({ passed: result.testsPassed, failed: result.testsFailed }).toEqual({ passed: 10, failed: 2 })
  })
})
