// The README-style stack's Sentry, as Sentry's Express and Fastify guides set
// it up: an instrument file preloaded with `node --import ./instrument.mjs`,
// Sentry.init with the DSN (error monitoring only: the guides' tracing line,
// tracesSampleRate, is left out, as kit's own variant runs with tracing off).
import * as Sentry from '@sentry/node'

Sentry.init({ dsn: process.env.SENTRY_DSN })
