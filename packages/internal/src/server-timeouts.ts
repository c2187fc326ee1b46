/**
 * The HTTP server timeouts kit sets (kit.listen() in @kit/core) and
 * `kit doctor` checks, in one place. Why each value: docs/security.md,
 * "Server timeouts".
 */
export interface ServerTimeouts {
  /** Time to receive a request's headers (slow-header clients are cut). */
  headersTimeoutMs: number
  /** Time to receive a whole request, body included (slow bodies are cut, 408). */
  requestTimeoutMs: number
  /** How long an idle keep-alive connection stays open: above the load balancer's idle timeout. */
  keepAliveTimeoutMs: number
}

export const DEFAULT_SERVER_TIMEOUTS: Readonly<ServerTimeouts> = Object.freeze({
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  // Above Heroku Router 2.0 (90 s), AWS ALB (60 s) and nginx (60 s) idle timeouts.
  keepAliveTimeoutMs: 100_000,
})

/**
 * Idle timeouts of the proxy in front of the app, by platform, for the
 * keep-alive check: a server that closes an idle connection first races the
 * proxy's next request on it (a 502 for the client).
 */
export const PROXY_IDLE_TIMEOUT_MS: Readonly<Record<string, number>> = Object.freeze({ heroku: 90_000 })

/** Past these, a slow client holds a connection longer than any real client needs. */
export const MAX_REASONABLE_TIMEOUTS: Readonly<
  Pick<ServerTimeouts, 'headersTimeoutMs' | 'requestTimeoutMs'>
> = Object.freeze({ headersTimeoutMs: 60_000, requestTimeoutMs: 120_000 })
