import type { SentryEnv } from './options.ts'
import { getSentryState } from './state.ts'

const PRELOAD = 'node --import @kit/sentry/instrument dist/app.js'

/**
 * A warning for `productionize()` to log once at start, or undefined when
 * all is well: Sentry was initialised after Express or Fastify had been
 * imported (their routes and spans are then not instrumented), or SENTRY_DSN
 * is set but nothing initialised Sentry.
 */
export function checkInitOrder(context: { env?: SentryEnv } = {}): string | undefined {
  const state = getSentryState()
  if (!state) {
    const dsn = (context.env ?? process.env).SENTRY_DSN
    if (typeof dsn !== 'string' || dsn.trim() === '') return undefined
    return `SENTRY_DSN is set, but Sentry was not initialised, so errors are not reported. Preload it: in the Procfile, \`web: ${PRELOAD}\` (or NODE_OPTIONS="--import @kit/sentry/instrument").`
  }
  if (!state.sdk || state.loadedBeforeInit.length === 0) return undefined
  const names = state.loadedBeforeInit.join(' and ')
  const was = state.loadedBeforeInit.length > 1 ? 'were' : 'was'
  return `Sentry was initialised after ${names} ${was} imported, so ${names} routes and spans are not instrumented (5xx errors are still reported by kit's error handler). Preload Sentry before the app: in the Procfile, \`web: ${PRELOAD}\` (or NODE_OPTIONS="--import @kit/sentry/instrument"); importing it from app code is too late for ES modules.`
}
