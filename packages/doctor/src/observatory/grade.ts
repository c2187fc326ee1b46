/**
 * The Observatory's grading (reference §1.3): bonuses only count when the
 * score without them is already an A (90), the score never goes below 0, and
 * the grade is read off the chart in steps of 5, capped at 100 (A+).
 */
export const MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90

const GRADE_CHART: ReadonlyMap<number, string> = new Map([
  [100, 'A+'],
  [95, 'A'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [75, 'B'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [55, 'C'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [35, 'D'],
  [30, 'D'],
  [25, 'D-'],
  [20, 'F'],
  [15, 'F'],
  [10, 'F'],
  [5, 'F'],
  [0, 'F'],
])

export function gradeForScore(score: number): string {
  const clamped = Math.max(score, 0)
  return GRADE_CHART.get(Math.min(clamped - (clamped % 5), 100))!
}

/** The final score from every test's modifier. */
export function scoreFromModifiers(modifiers: readonly number[]): number {
  let withExtraCredit = 100
  let uncurved = 100
  for (const modifier of modifiers) {
    withExtraCredit += modifier
    if (modifier < 0) uncurved += modifier
  }
  return Math.max(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved, 0)
}
