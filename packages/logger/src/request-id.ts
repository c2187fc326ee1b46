import { randomUUID } from 'node:crypto'

/** Heroku's router and most proxies send ids of this shape (UUIDs, hex, dotted or colon-separated ids). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,200}$/

/** True for an incoming id short and plain enough to echo in a header and write in a log line. */
export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value)
}

/**
 * The id of a request: the incoming header when it is trusted and safe,
 * otherwise a random UUID. A repeated header arrives as an array (or joined
 * with ", ") and is never safe, so it is replaced too.
 */
export function resolveRequestId(incoming: string | string[] | undefined, trustIncoming: boolean): string {
  if (trustIncoming && isSafeRequestId(incoming)) return incoming
  return randomUUID()
}
