import { createHash } from 'node:crypto'
import { routedPath } from '@kit/internal'
import type { RateLimitStore } from '../stores/types.ts'
import type { BruteForceConfig } from './config.ts'
import { secondsUntil } from './headers.ts'
import type { StoreGuard } from './store-guard.ts'

export interface LoginAttempt {
  /** Store keys: the client's IP key, then the account's (when the request names one). */
  readonly keys: string[]
  readonly thresholds: number[]
  readonly hasAccount: boolean
}

export type BruteForceVerdict = { blocked: false } | { blocked: true; retryAfter: number }

/**
 * The failed-login limiter (framework-neutral). Each attempt is counted
 * before the handler runs, per client IP and per account, and given back
 * when the response is not a failure: only failures stay counted, and a burst
 * of parallel guesses cannot slip past the check before the first failure is
 * recorded. A key that reaches its threshold is blocked for `blockMs`.
 * One store round trip per attempt; one more after a success.
 */
export class BruteForce {
  readonly config: BruteForceConfig
  readonly failClosed: boolean
  readonly #store: RateLimitStore
  readonly #guard: StoreGuard
  readonly #ipPrefix: string
  readonly #accountPrefix: string

  constructor(
    config: BruteForceConfig,
    prefix: string,
    failClosed: boolean,
    store: RateLimitStore,
    guard: StoreGuard,
  ) {
    this.config = config
    this.failClosed = failClosed
    this.#store = store
    this.#guard = guard
    // '/' cannot appear in tier names, so these never collide with a tier's keys.
    this.#ipPrefix = `${prefix}login/ip:`
    this.#accountPrefix = `${prefix}login/account:`
  }

  /** True for a request to one of the login paths (as routed: any request-target form) with a login method. */
  applies(method: string | undefined, url: string | undefined): boolean {
    return (
      method !== undefined &&
      url !== undefined &&
      this.config.methods.has(method) &&
      this.config.paths.has(routedPath(url))
    )
  }

  /** The keys of one attempt. The account is hashed: the store never holds e-mail addresses. */
  attempt(ipKey: string, req: unknown): LoginAttempt {
    const account = this.config.account(req)
    if (typeof account !== 'string' || account.trim() === '') {
      return { keys: [this.#ipPrefix + ipKey], thresholds: [this.config.perIp], hasAccount: false }
    }
    const digest = createHash('sha256').update(account.trim().toLowerCase()).digest('base64url').slice(0, 32)
    return {
      keys: [this.#ipPrefix + ipKey, this.#accountPrefix + digest],
      thresholds: [this.config.perIp, this.config.perAccount],
      hasAccount: true,
    }
  }

  /** Counts the attempt; blocked when the IP or the account is past its threshold. */
  async begin(attempt: LoginAttempt): Promise<BruteForceVerdict> {
    const { windowMs, blockMs } = this.config
    const counters = await this.#guard.run(() =>
      this.#store.countAttempt(attempt.keys, windowMs, attempt.thresholds, blockMs),
    )
    let until = 0
    for (let i = 0; i < counters.length; i++) {
      const counter = counters[i]!
      if (counter.hits > attempt.thresholds[i]! && counter.resetAt > until) until = counter.resetAt
    }
    return until === 0
      ? { blocked: false }
      : { blocked: true, retryAfter: Math.max(1, secondsUntil(until, Date.now())) }
  }

  /** Settles an attempt once its response is known: anything but a failure is given back. */
  async end(attempt: LoginAttempt, statusCode: number): Promise<void> {
    if (this.config.isFailure(statusCode)) return
    if (statusCode < 400 && this.config.resetOnSuccess && attempt.hasAccount) {
      await Promise.all([
        this.#guard.run(() => this.#store.decrement([attempt.keys[0]!])),
        this.#guard.run(() => this.#store.reset(attempt.keys[1]!)),
      ])
    } else {
      await this.#guard.run(() => this.#store.decrement(attempt.keys))
    }
  }
}
