import type { Knex } from 'knex'
import type { DatabaseTimeouts } from './database-timeouts.ts'
import { DatabaseUnavailableError, unreachableReason } from './database-unavailable.ts'

/** A raw pg Client or mysql2 Connection, as knex's pool hands it to afterCreate. */
export interface DriverConnection {
  query(...args: unknown[]): unknown
}

type Callback = (error: Error | null, ...results: unknown[]) => void

/**
 * Bounds every query sent on `conn` (see docs/internals/database-time-bounds.md):
 * with no answer after `queryTimeoutMs`, the query fails with a
 * DatabaseUnavailableError and the socket is destroyed, so knex's own pool
 * validation drops the connection instead of queueing the next query behind
 * one that will never finish. Errors meaning "unreachable" are converted
 * too. Queries without a callback (pg streams) pass through untouched.
 */
export function boundQueries(
  conn: DriverConnection,
  timeouts: DatabaseTimeouts,
  where: string,
  destroy: (conn: DriverConnection) => void,
): void {
  const query = conn.query
  conn.query = function boundedQuery(this: unknown, ...args: unknown[]): unknown {
    const at = args.findLastIndex((arg) => typeof arg === 'function')
    if (at === -1) return query.apply(this, args)
    const callback = args[at] as Callback
    let settled = false
    const timer =
      timeouts.queryTimeoutMs > 0
        ? setTimeout(() => {
            settled = true
            destroy(conn)
            callback(
              new DatabaseUnavailableError(
                `${where} did not answer a query within ${timeouts.queryTimeoutMs} ms (database.queryTimeoutMs): the network to the database is down or the server is stuck. The connection was closed; the next request opens a new one.`,
              ),
            )
          }, timeouts.queryTimeoutMs)
        : undefined
    args[at] = (error: Error | null, ...results: unknown[]) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      callback(error && toUnavailable(error, where, timeouts), ...results)
    }
    return query.apply(this, args)
  }
}

/**
 * Turns a failed pool acquire (connect timeout, refused, pool timeout) into
 * a DatabaseUnavailableError that says plainly what happened, in place of
 * knex's "The pool is probably full. Are you missing a .transacting(trx)
 * call?". knex's runner and transactions all go through acquireConnection().
 */
export function explainAcquireErrors(knex: Knex, timeouts: DatabaseTimeouts, where: string): void {
  const client = knex.client as { acquireConnection(): Promise<unknown> }
  const acquire = client.acquireConnection.bind(client)
  client.acquireConnection = () =>
    acquire().catch((error: unknown) => {
      throw error instanceof Error ? toUnavailable(error, where, timeouts) : error
    })
}

function toUnavailable(error: Error, where: string, timeouts: DatabaseTimeouts): Error {
  if (error instanceof DatabaseUnavailableError) return error
  const reason = unreachableReason(error)
  if (!reason) return error
  if (reason === 'pool timeout') {
    return new DatabaseUnavailableError(
      `No connection to ${where} could be had within ${timeouts.acquireTimeoutMs} ms (database.acquireTimeoutMs): the database is not accepting new connections, or every pooled connection is busy.`,
      error,
    )
  }
  if (reason === 'ETIMEDOUT' || /timeout/i.test(reason)) {
    return new DatabaseUnavailableError(
      `${where} did not accept a connection within ${timeouts.connectTimeoutMs} ms (database.connectTimeoutMs): the database or the network to it is down.`,
      error,
    )
  }
  return new DatabaseUnavailableError(`${where} is unreachable (${reason}).`, error)
}
