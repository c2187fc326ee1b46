export const errors = {
  KIT_LOGGER_INVALID_LEVEL: {
    when: 'LOG_LEVEL (or the `level` option) is not one of the pino levels.',
    fix: 'Use one of fatal, error, warn, info, debug, trace or silent (for example LOG_LEVEL=info).',
  },
  KIT_LOGGER_INVALID_OPTION: {
    when: 'An option of createLogger(), requestLogger() or kitLoggerPlugin has the wrong type or an unsafe value, options that exclude each other were combined (transport and destination; pino options beside an instance), or pino refused its options.',
    fix: 'Pass the type the message names; `requestIdHeader` must be a header name such as x-request-id; set pino options in the pino() call that made an instance you pass.',
  },
  KIT_LOGGER_UNSUPPORTED_OPTION: {
    when: 'A logger option copied from pino, pino-http or an older pino that kit cannot honour (useOnlyCustomLevels, prettyPrint, genReqId, customLogLevel, ...).',
    fix: 'The message says why and what to write instead; docs/migrating.md lists every pino and pino-http option.',
  },
  KIT_LOGGER_UNKNOWN_OPTION: {
    when: "A logger option that is neither one of kit's nor one of pino's (often a typo: messagekey).",
    fix: "Use the name the message suggests; kit's options and the pino options it passes through are listed in docs/logging.md.",
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
