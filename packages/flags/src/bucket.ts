import { murmur3 } from './murmur.ts'

/** Seed Unleash uses for percentage rollouts (gradual rollout strategies). */
export const ROLLOUT_SEED = 0
/** Seed Unleash uses to pick a variant, so variant and rollout buckets are independent. */
export const VARIANT_SEED = 86028157

/**
 * A number from 1 to `normalizer` for `groupId:id`, computed the way Unleash
 * does (`murmur3("groupId:id", seed) % normalizer + 1`): the same user gets
 * the same number for a flag in every process, and different flags bucket
 * users independently because the flag name is the group.
 */
export function normalizedValue(
  id: string,
  groupId: string,
  normalizer = 100,
  seed: number = ROLLOUT_SEED,
): number {
  return (murmur3(`${groupId}:${id}`, seed) % normalizer) + 1
}
