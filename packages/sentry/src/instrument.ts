/**
 * The preload: `node --import @kit/sentry/instrument app.js`. Starts Sentry
 * from env before the app imports Express or Fastify, so their errors and
 * routes are instrumented. Without SENTRY_DSN it does nothing and loads
 * nothing heavy. No top-level await: it must also work with require().
 */
import { initSentry } from './init.ts'

initSentry()
