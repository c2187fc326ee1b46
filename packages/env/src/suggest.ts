/** Edit distance, for "did you mean" hints on misspelled variable names. */
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

const normalise = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '')

/**
 * A name from `present` that looks like a misspelling of `wanted`
 * (DATABSE_URL for DATABASE_URL, database_url, DATABASE-URL), ignoring names
 * the schema knows. Only names are compared, never values.
 */
export function suggestName(
  wanted: string,
  present: readonly string[],
  known: ReadonlySet<string>,
): string | undefined {
  const target = normalise(wanted)
  const budget = wanted.length <= 6 ? 1 : 2
  let best: { name: string; score: number } | undefined
  for (const name of present) {
    if (known.has(name)) continue
    const score = normalise(name) === target ? 0 : distance(name.toUpperCase(), wanted.toUpperCase())
    if (score <= budget && (!best || score < best.score)) best = { name, score }
  }
  return best?.name
}
