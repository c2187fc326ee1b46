/** "Did you mean …?" for option and directive names: camelCase → kebab-case first, then the closest by edit distance. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const kebab = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-')
  if (kebab !== given && candidates.includes(kebab)) return ` Did you mean '${kebab}'?`
  let best: string | undefined
  let bestDistance = Math.max(3, Math.floor(given.length / 3)) + 1
  for (const candidate of candidates) {
    const d = distance(given.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = candidate
    }
  }
  return best === undefined ? '' : ` Did you mean '${best}'?`
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}

/** Throws for keys of `value` that are not in `known`, naming the closest known one. */
export function rejectUnknownKeys(
  value: object,
  known: readonly string[],
  where: string,
  fail: (message: string) => never,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      fail(`${where}: unknown option '${key}'.${didYouMean(key, known)} Known options: ${known.join(', ')}.`)
    }
  }
}
