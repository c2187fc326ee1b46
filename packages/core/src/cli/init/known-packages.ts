/**
 * What kit replaces, by npm package: `productionize()` installs its own
 * version of each, so init removes the app's call and carries the options.
 */
export type DuplicateKind =
  | 'helmet'
  | 'cors'
  | 'rate-limit'
  | 'rate-limit-store'
  | 'request-logger'
  | 'logger'
  | 'terminus'

export const KNOWN_PACKAGES: Readonly<Record<string, DuplicateKind>> = {
  helmet: 'helmet',
  '@fastify/helmet': 'helmet',
  cors: 'cors',
  '@fastify/cors': 'cors',
  'express-rate-limit': 'rate-limit',
  '@fastify/rate-limit': 'rate-limit',
  'rate-limit-redis': 'rate-limit-store',
  'pino-http': 'request-logger',
  morgan: 'request-logger',
  pino: 'logger',
  '@godaddy/terminus': 'terminus',
}

/** Packages whose call is the app's own request pipeline (the others only configure one). */
export const MIDDLEWARE_KINDS: ReadonlySet<DuplicateKind> = new Set([
  'helmet',
  'cors',
  'rate-limit',
  'request-logger',
])
