import { KitError } from '@kit/internal'

/** What a client is told to wait before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/**
 * The database could not be reached in time. Carries `status` 503 and a
 * `Retry-After` header (the http-errors convention kit's error handlers
 * honour), so a route that lets it propagate answers 503 + Retry-After, not
 * 500 and not a hang. The driver's own error is the `cause`.
 */
export class DatabaseUnavailableError extends KitError {
  readonly status = 503
  readonly headers: Readonly<Record<string, string>> = {
    'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
  }

  constructor(message: string, cause?: unknown) {
    super('KIT_CORE_DATABASE_UNAVAILABLE', message, cause === undefined ? {} : { cause })
  }
}

// Error codes of pg, mysql2 and Node's net module that mean "no answer from the server", not "the server said no".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
])
const UNREACHABLE_MESSAGES = [
  /^Connection terminated/, // pg: connection timeout, or the socket closed under a query
  /^timeout expired$/, // pg: connectionTimeoutMillis before the socket connected
  /in closed state$/, // mysql2: a command on a connection whose socket is gone
]

/** Why `error` means the database cannot be reached ("connect timeout", "ECONNREFUSED"...), or undefined when it answered. */
export function unreachableReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  if (error.name === 'KnexTimeoutError' || error.name === 'TimeoutError') return 'pool timeout'
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code
  if (UNREACHABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return error.message
  return undefined
}
