/**
 * "Did you mean …?" for option, variable, command and provider names: the
 * one edit-distance helper every package uses, so a typo gets the same kind
 * of hint wherever it is made.
 */

/** Levenshtein distance between two short names (two rows, no matrix). */
export function editDistance(a: string, b: string): number {
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

export interface ClosestOptions {
  /**
   * Most edits a typo may be away from its candidate.
   * @default max(2, a third of the input's length)
   */
  maxDistance?: number
  /**
   * A candidate sharing at least this many leading characters with the input
   * also counts as close ("cooldown" → "cooldownMs"). @default off
   */
  sharedPrefix?: number
  /** Compares names after this mapping. @default lower case */
  normalise?: (name: string) => string
  /** Quote around the suggestion in didYouMean(), to match the message's style. @default '"' */
  quote?: '"' | "'" | '`'
}

const lowerCase = (name: string): string => name.toLowerCase()

/** The candidate closest to `input` when it is close enough to be a typo of it, else undefined. */
export function closestName(
  input: string,
  candidates: Iterable<string>,
  options: ClosestOptions = {},
): string | undefined {
  const normalise = options.normalise ?? lowerCase
  const target = normalise(input)
  const budget = options.maxDistance ?? Math.max(2, Math.floor(input.length / 3))
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const name = normalise(candidate)
    const d = editDistance(target, name)
    const close =
      d <= budget ||
      (options.sharedPrefix !== undefined && sharedPrefix(target, name) >= options.sharedPrefix)
    if (close && d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function sharedPrefix(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/** ` Did you mean "x"?` for the closest candidate, or '' when none is close. */
export function didYouMean(input: string, candidates: Iterable<string>, options?: ClosestOptions): string {
  const hint = closestName(input, candidates, options)
  const q = options?.quote ?? '"'
  return hint === undefined ? '' : ` Did you mean ${q}${hint}${q}?`
}
