import { closestName } from '@kit/internal'

/** "Did you mean …?" for option and directive names: camelCase → kebab-case first, then the closest by edit distance. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const kebab = given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-')
  if (kebab !== given && candidates.includes(kebab)) return ` Did you mean '${kebab}'?`
  const best = closestName(given, candidates, { maxDistance: Math.max(3, Math.floor(given.length / 3)) })
  return best === undefined ? '' : ` Did you mean '${best}'?`
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
