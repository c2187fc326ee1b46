import type { ServerResponse } from 'node:http'

/**
 * The rate-limit headers of one tier. Everything that does not change per
 * request (the policy, the limit) is built once; per request only the
 * remaining count and the seconds to reset are formatted.
 *
 * draft-8 (draft-ietf-httpapi-ratelimit-headers-08): `RateLimit-Policy:
 * "auth";q=5;w=60` and `RateLimit: "auth";r=3;t=42`. Both are lists, so a
 * request limited by two tiers carries one item per tier.
 */
export class TierHeaders {
  readonly #style: 'draft-8' | 'legacy' | false
  readonly #policy: string
  readonly #itemStart: string
  readonly #limit: string

  constructor(name: string, limit: number, windowMs: number, style: 'draft-8' | 'legacy' | false) {
    this.#style = style
    this.#policy = `"${name}";q=${limit};w=${Math.ceil(windowMs / 1000)}`
    this.#itemStart = `"${name}";r=`
    this.#limit = String(limit)
  }

  /** Sets the headers for a counter on a raw response (Express); `resetAt` in epoch ms. */
  write(res: ServerResponse, remaining: number, resetAt: number, now: number): void {
    if (this.#style === false || res.headersSent) return
    if (this.#style === 'draft-8') {
      res.setHeader('RateLimit-Policy', appendItem(res.getHeader('RateLimit-Policy'), this.#policy))
      res.setHeader('RateLimit', appendItem(res.getHeader('RateLimit'), this.#item(remaining, resetAt, now)))
    } else {
      res.setHeader('X-RateLimit-Limit', this.#limit)
      res.setHeader('X-RateLimit-Remaining', String(remaining))
      res.setHeader('X-RateLimit-Reset', String(Math.ceil(resetAt / 1000)))
    }
  }

  /**
   * The same on a Fastify reply. Through `reply.header()`, not the raw
   * response: one raw header would push Fastify off its fast writeHead path.
   */
  writeReply(reply: ReplyHeaders, remaining: number, resetAt: number, now: number): void {
    if (this.#style === false) return
    if (this.#style === 'draft-8') {
      reply.header('ratelimit-policy', appendItem(reply.getHeader('ratelimit-policy'), this.#policy))
      reply.header('ratelimit', appendItem(reply.getHeader('ratelimit'), this.#item(remaining, resetAt, now)))
    } else {
      reply.header('x-ratelimit-limit', this.#limit)
      reply.header('x-ratelimit-remaining', String(remaining))
      reply.header('x-ratelimit-reset', String(Math.ceil(resetAt / 1000)))
    }
  }

  #item(remaining: number, resetAt: number, now: number): string {
    return `${this.#itemStart}${remaining};t=${secondsUntil(resetAt, now)}`
  }
}

/** The part of a Fastify reply the headers need (kept structural: no fastify import here). */
export interface ReplyHeaders {
  getHeader(name: string): unknown
  header(name: string, value: string): unknown
}

/** Whole seconds from `now` until `at`, at least 0. */
export function secondsUntil(at: number, now: number): number {
  return at <= now ? 0 : Math.ceil((at - now) / 1000)
}

function appendItem(previous: unknown, item: string): string {
  return previous === undefined ? item : `${String(previous)}, ${item}`
}
