import type { Counter, RateLimitStore } from '../stores/types.ts'
import type { TierConfig } from './config.ts'
import { TierHeaders } from './headers.ts'
import type { StoreGuard } from './store-guard.ts'

/**
 * One named limit at run time: its own key prefix in the shared store, its
 * headers built once, and a hit() that is bounded and reported by the guard
 * (it rejects with StoreUnavailableError when the store cannot answer).
 */
export class Tier {
  readonly name: string
  readonly limit: number
  readonly windowMs: number
  readonly failClosed: boolean
  readonly keyPrefix: string
  readonly headers: TierHeaders
  readonly #store: RateLimitStore
  readonly #guard: StoreGuard

  constructor(
    config: TierConfig,
    prefix: string,
    headers: 'draft-8' | 'legacy' | false,
    store: RateLimitStore,
    guard: StoreGuard,
  ) {
    this.name = config.name
    this.limit = config.limit
    this.windowMs = config.windowMs
    this.failClosed = config.failClosed
    this.keyPrefix = `${prefix}${config.name}:`
    this.headers = new TierHeaders(config.name, config.limit, config.windowMs, headers)
    this.#store = store
    this.#guard = guard
  }

  /** Counts one request of `clientKey` (an IP key or a user key). */
  hit(clientKey: string): Counter | Promise<Counter> {
    return this.#guard.run(() => this.#store.hit(this.keyPrefix + clientKey, this.windowMs))
  }

  decrement(clientKey: string): void | Promise<void> {
    return this.#guard.run(() => this.#store.decrement([this.keyPrefix + clientKey]))
  }

  reset(clientKey: string): void | Promise<void> {
    return this.#guard.run(() => this.#store.reset(this.keyPrefix + clientKey))
  }
}
