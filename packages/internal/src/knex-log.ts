import type { KitLogger } from './contracts.ts'

/**
 * knex's `log` option pointed at a kit logger. Without it knex writes
 * warnings such as "Connection Error: ..." (every pooled connection that
 * dies in a database outage) as coloured plain text on stdout, in the middle
 * of a JSON log stream. Pass it as `knex({ ..., log: knexLogOptions(log) })`.
 */
export function knexLogOptions(log: KitLogger): {
  warn(message: unknown): void
  error(message: unknown): void
  deprecate(method: unknown, alternative: unknown): void
  debug(message: unknown): void
} {
  const text = (message: unknown) => (typeof message === 'string' ? message : String(message))
  return {
    warn: (message) => {
      // One per pooled connection during an outage: the readiness check and the 503s already report it.
      if (/^(Acquire connection error|Connection Error)/.test(text(message)))
        log.debug({ source: 'knex' }, text(message))
      else log.warn({ source: 'knex' }, text(message))
    },
    error: (message) => log.error({ source: 'knex' }, text(message)),
    deprecate: (method, alternative) =>
      log.warn({ source: 'knex' }, `${text(method)} is deprecated, use ${text(alternative)}`),
    debug: (message) => log.debug({ source: 'knex' }, text(message)),
  }
}
