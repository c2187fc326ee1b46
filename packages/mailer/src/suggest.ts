import { closestName } from '@kit/internal'

/**
 * ` (did you mean "x"?)` for the closest known name within two edits of
 * `input`, or one that starts like it ("retry" → "retries"); else ''.
 */
export function didYouMean(input: string, known: readonly string[]): string {
  const best = closestName(input, known, { maxDistance: 2, sharedPrefix: 4 })
  return best === undefined ? '' : ` (did you mean "${best}"?)`
}
