import { editDistance } from '@kit/internal'

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
    const score = normalise(name) === target ? 0 : editDistance(name.toUpperCase(), wanted.toUpperCase())
    if (score <= budget && (!best || score < best.score)) best = { name, score }
  }
  return best?.name
}
