import type { Server } from 'node:http'
import { DEFAULT_SERVER_TIMEOUTS, KitError, type ServerTimeouts } from '@kit/internal'

export { DEFAULT_SERVER_TIMEOUTS, type ServerTimeouts }

/** kit.config `server`: how long a client may take. Why each default: docs/security.md, "Server timeouts". */
export interface ServerTimeoutOptions {
  /** Time to receive a request's headers; slow-header clients (slowloris) are cut here. @default 15_000 */
  headersTimeoutMs?: number
  /** Time to receive a whole request, body included; slow bodies are cut here (408). @default 30_000 */
  requestTimeoutMs?: number
  /**
   * How long an idle keep-alive connection stays open. Must be longer than
   * the idle timeout of the load balancer in front (Heroku Router 2.0: 90 s,
   * AWS ALB: 60 s, nginx: 60 s; Google Cloud load balancers: 600 s, so set
   * 620_000 there), or the balancer reuses a connection the app is closing
   * and the request fails (502). @default 100_000
   */
  keepAliveTimeoutMs?: number
}

const KEYS = ['headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs'] as const

/** Validates kit.config `server` and fills the defaults. */
export function resolveServerTimeouts(options: ServerTimeoutOptions | undefined): ServerTimeouts {
  const given = (options ?? {}) as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new KitError(
        'KIT_CORE_SERVER_TIMEOUT_INVALID',
        `kit.config \`server.${key}\` is not a server setting. Known: ${KEYS.join(', ')}.`,
      )
    }
  }
  const resolved = { ...DEFAULT_SERVER_TIMEOUTS }
  for (const key of KEYS) {
    const value = given[key]
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new KitError(
        'KIT_CORE_SERVER_TIMEOUT_INVALID',
        `kit.config \`server.${key}\` must be a whole number of milliseconds above 0; got ${JSON.stringify(value)}. Default: ${DEFAULT_SERVER_TIMEOUTS[key]}.`,
      )
    }
    resolved[key] = value
  }
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new KitError(
      'KIT_CORE_SERVER_TIMEOUT_INVALID',
      `kit.config \`server.headersTimeoutMs\` (${resolved.headersTimeoutMs}) is longer than \`server.requestTimeoutMs\` (${resolved.requestTimeoutMs}); Node requires headers to arrive within the request time. Lower headersTimeoutMs or raise requestTimeoutMs.`,
    )
  }
  return resolved
}

/**
 * Sets the timeouts on a listening server; kit.listen() calls it on both
 * frameworks. Node checks headers and request timeouts every 30 s
 * (`connectionsCheckingInterval`), so a slow client is cut between the
 * timeout and 30 s later. `server.timeout` stays 0: long responses
 * (streams, server-sent events) are the app's to bound.
 */
export function applyServerTimeouts(server: Server, timeouts: ServerTimeouts): void {
  server.headersTimeout = timeouts.headersTimeoutMs
  server.requestTimeout = timeouts.requestTimeoutMs
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs
}
