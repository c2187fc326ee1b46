import type { Tier } from '../core/tier.ts'
import type { UpstreamStore } from './upstream.ts'

/**
 * @fastify/rate-limit's store contract over our tiers. The plugin-level
 * instance is never used to count; createRateLimit({ kitTier }) asks it for
 * a child, which counts in that tier (shared across routes, unlike the
 * upstream per-route children).
 */
export class TierStore implements UpstreamStore {
  readonly #tier: Tier | undefined

  constructor(params?: Record<string, unknown>) {
    this.#tier = params?.kitTier as Tier | undefined
  }

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
  ): void {
    const tier = this.#tier
    if (tier === undefined) {
      callback(new Error('@kit/rate-limit: a tier-less store was asked to count.'))
      return
    }
    let counter: ReturnType<Tier['hit']>
    try {
      counter = tier.hit(key)
    } catch (error) {
      callback(error as Error)
      return
    }
    if (!(counter instanceof Promise)) {
      callback(null, { current: counter.hits, ttl: counter.resetAt - Date.now() })
      return
    }
    counter.then(
      (c) => callback(null, { current: c.hits, ttl: c.resetAt - Date.now() }),
      (error: Error) => callback(error),
    )
  }

  child(params: Record<string, unknown>): TierStore {
    return new TierStore(params)
  }
}
