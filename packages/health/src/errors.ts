export const errors = {
  KIT_HEALTH_INVALID_OPTION: {
    when: 'An option of createHealth() (or its env counterpart such as SHUTDOWN_TIMEOUT_MS) has a value it cannot use, or its name is unknown.',
    fix: 'Correct the setting the message names; durations are whole milliseconds, paths start with "/".',
  },
  KIT_HEALTH_INVALID_CHECK: {
    when: 'A health check has no name or no check function, or its name is already taken.',
    fix: 'Pass `{ name, check }` (or `checks: { name: fn }` in the config) with a unique name per check.',
  },
  KIT_HEALTH_INVALID_TASK: {
    when: 'waitFor() was given something that is not a promise.',
    fix: 'Pass the promise readiness should wait for: `health.waitFor("db", knex.raw("select 1"))`.',
  },
  KIT_HEALTH_INVALID_HOOK: {
    when: 'A shutdown hook has no name, no close function, or a phase kit does not know.',
    fix: 'Pass `{ name, close }`, e.g. `{ name: "database", close: () => knex.destroy() }`, with `phase` one of framework, app, flags, metrics, mailer, redis, database, sentry, logger (or none: app).',
  },
  KIT_HEALTH_NOT_A_SERVER: {
    when: 'attach() was given something that is not a listening node:http server (often the Express app or the Fastify instance).',
    fix: 'Pass the http.Server: the value `app.listen()` returns for Express, `fastify.server` for Fastify.',
  },
  KIT_HEALTH_MIDDLEWARE_NOT_CALLED: {
    when: 'An adapter factory was used as a middleware or plugin option without being called with a Health instance.',
    fix: 'Call it with the instance: `app.use(healthRoutes(health))`, `fastify.register(kitHealth, { health })`.',
  },
} as const
