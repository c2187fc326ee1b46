import type { HeaderStyle } from './tier-options.ts'

/** How a framework's response reads and sets a header; one constant object per framework, nothing per request. */
export interface HeaderAccess<Res> {
  get(res: Res, name: string): unknown
  set(res: Res, name: string, value: string): void
}

/**
 * The rate-limit headers of one tier. Everything that does not change per
 * request (policies, the limit) is built once; per request only the
 * remaining count and the seconds to reset are formatted.
 *
 * - draft-8 (kit's default): `RateLimit-Policy: "auth";q=5;w=60`,
 *   `RateLimit: "auth";r=3;t=42`; lists, so a request limited by two tiers
 *   carries one item per tier.
 * - draft-7 (express-rate-limit's): `RateLimit-Policy: 5;w=60`,
 *   `RateLimit: limit=5, remaining=3, reset=42`.
 * - draft-6: `RateLimit-Policy`, `RateLimit-Limit`, `-Remaining`, `-Reset` (seconds).
 * - legacy: `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds).
 */
export class TierHeaders {
  readonly style: HeaderStyle
  readonly #namedPolicy: string
  readonly #itemStart: string
  readonly #plainPolicy: string
  readonly #limit: string

  constructor(name: string, limit: number, windowMs: number, style: HeaderStyle) {
    this.style = style
    const windowSeconds = Math.ceil(windowMs / 1000)
    this.#namedPolicy = `"${name}";q=${limit};w=${windowSeconds}`
    this.#itemStart = `"${name}";r=`
    this.#plainPolicy = `${limit};w=${windowSeconds}`
    this.#limit = String(limit)
  }

  /** Sets the headers for a counter; `resetAt` in epoch ms. */
  write<Res>(res: Res, access: HeaderAccess<Res>, remaining: number, resetAt: number, now: number): void {
    const standard = this.style.standard
    if (standard === 'draft-8') {
      access.set(res, 'ratelimit-policy', appendItem(access.get(res, 'ratelimit-policy'), this.#namedPolicy))
      access.set(
        res,
        'ratelimit',
        appendItem(
          access.get(res, 'ratelimit'),
          `${this.#itemStart}${remaining};t=${secondsUntil(resetAt, now)}`,
        ),
      )
    } else if (standard === 'draft-7') {
      access.set(res, 'ratelimit-policy', this.#plainPolicy)
      access.set(
        res,
        'ratelimit',
        `limit=${this.#limit}, remaining=${remaining}, reset=${secondsUntil(resetAt, now)}`,
      )
    } else if (standard === 'draft-6') {
      access.set(res, 'ratelimit-policy', this.#plainPolicy)
      access.set(res, 'ratelimit-limit', this.#limit)
      access.set(res, 'ratelimit-remaining', String(remaining))
      access.set(res, 'ratelimit-reset', String(secondsUntil(resetAt, now)))
    }
    if (this.style.legacy) {
      access.set(res, 'x-ratelimit-limit', this.#limit)
      access.set(res, 'x-ratelimit-remaining', String(remaining))
      access.set(res, 'x-ratelimit-reset', String(Math.ceil(resetAt / 1000)))
    }
  }
}

/** Whole seconds from `now` until `at`, at least 0. */
export function secondsUntil(at: number, now: number): number {
  return at <= now ? 0 : Math.ceil((at - now) / 1000)
}

function appendItem(previous: unknown, item: string): string {
  return previous === undefined ? item : `${String(previous)}, ${item}`
}
