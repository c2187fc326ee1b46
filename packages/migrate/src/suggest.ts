import { closestName } from '@kit/internal'

/** The candidate closest to `word` (edit distance), when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestName(word, candidates, {
    maxDistance: Math.max(2, Math.floor(word.length / 4)),
    sharedPrefix: 3,
  })
}
