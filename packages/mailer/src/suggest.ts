/**
 * ` (did you mean "x"?)` for the closest known name within two edits of
 * `input`, or one that starts like it ("retry" → "retries"); else ''.
 */
export function didYouMean(input: string, known: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  const lower = input.toLowerCase()
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase())
    const close = d <= 2 || (lower.length >= 4 && candidate.toLowerCase().startsWith(lower.slice(0, -1)))
    if (close && d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`
}

/** Levenshtein distance; the inputs are short option and provider names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
