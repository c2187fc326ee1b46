export const errors = {
  KIT_LOGGER_INVALID_LEVEL: {
    when: 'LOG_LEVEL (or the `level` option) is not one of the pino levels.',
    fix: 'Use one of fatal, error, warn, info, debug, trace or silent (for example LOG_LEVEL=info).',
  },
  KIT_LOGGER_INVALID_OPTION: {
    when: 'An option of createLogger(), requestLogger() or kitLoggerPlugin has the wrong type or an unsafe value.',
    fix: 'Pass the type the message names; `requestIdHeader` must be a header name such as x-request-id.',
  },
  KIT_LOGGER_NOT_CALLED: {
    when: '`app.use(requestLogger)` was written without calling the factory.',
    fix: 'Call it with your logger: `app.use(requestLogger(log))`.',
  },
  KIT_LOGGER_NO_LOGGER: {
    when: 'kitLoggerPlugin was registered on a Fastify app that has no kit logger and none was passed.',
    fix: 'Create the app with `Fastify({ ...fastifyLoggerOptions(log) })`, or register the plugin with `{ log }`.',
  },
} as const
