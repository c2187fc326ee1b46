import { KitError } from '@kit/internal'

/**
 * How long a request may wait for the database, end to end. Heroku's router
 * answers 503 (H12) after 30 s, as do most platform proxies; kit's shutdown
 * deadline (25 s) is under it for the same reason. The database bounds below
 * add up to less than this, so the app answers 503 + Retry-After itself,
 * with a clear log line, before the proxy cuts the request off.
 */
export const REQUEST_BUDGET_MS = 30_000

export interface DatabaseTimeoutOptions {
  /** Cancels any statement running longer than this (server side; SET statement_timeout; 0 turns it off). @default 15000 */
  statementTimeoutMs?: number
  /** Gives up waiting for a row or table lock after this long (SET lock_timeout; 0 turns it off). @default 10000 */
  lockTimeoutMs?: number
  /** A new connection (TCP, TLS, login) must be ready within this. @default 5000 */
  connectTimeoutMs?: number
  /** Longest wait for a connection from the pool, a new connection's connect included. @default 10000 */
  acquireTimeoutMs?: number
  /**
   * Client side: a query with no answer after this long fails and its
   * connection is thrown away. Catches what statement_timeout cannot: a
   * network that stopped delivering, where the server never sees the query.
   * 0 turns it off (migrations do). @default statementTimeoutMs + 2000 (17000)
   */
  queryTimeoutMs?: number
  /** TCP keepalive: idle pooled connections are probed after this long, so dead ones are found and NAT/proxies keep live ones. @default 10000 */
  keepAliveDelayMs?: number
}

export type DatabaseTimeouts = Required<DatabaseTimeoutOptions>

/** Time the server gets past statement_timeout to deliver its own cancel error before the client gives up. */
const CANCEL_MARGIN_MS = 2000

/**
 * Defaults: acquire (10 s, a 5 s connect included) + query (17 s) = 27 s,
 * under the 30 s request budget. statement_timeout (15 s) sits under the
 * client query timeout so a merely slow query is cancelled cleanly by the
 * server; the client timeout only fires when the server cannot be heard.
 */
export function resolveDatabaseTimeouts(options: DatabaseTimeoutOptions = {}): DatabaseTimeouts {
  const statementTimeoutMs = whole('statementTimeoutMs', options.statementTimeoutMs) ?? 15_000
  return {
    statementTimeoutMs,
    lockTimeoutMs: whole('lockTimeoutMs', options.lockTimeoutMs) ?? 10_000,
    connectTimeoutMs: whole('connectTimeoutMs', options.connectTimeoutMs, 1) ?? 5000,
    acquireTimeoutMs: whole('acquireTimeoutMs', options.acquireTimeoutMs, 1) ?? 10_000,
    queryTimeoutMs:
      whole('queryTimeoutMs', options.queryTimeoutMs) ??
      (statementTimeoutMs > 0 ? statementTimeoutMs : 15_000) + CANCEL_MARGIN_MS,
    keepAliveDelayMs: whole('keepAliveDelayMs', options.keepAliveDelayMs, 1) ?? 10_000,
  }
}

function whole(name: string, value: unknown, min = 0): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new KitError(
      'KIT_CORE_DATABASE_OPTION_INVALID',
      `kit.config database.${name} must be a whole number of milliseconds of at least ${min}, got ${JSON.stringify(value)}.`,
    )
  }
  return value
}
