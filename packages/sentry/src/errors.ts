export const errors = {
  KIT_SENTRY_SDK_MISSING: {
    when: 'SENTRY_DSN (or the `dsn` option) is set but the optional peer dependency @sentry/node is not installed.',
    fix: 'Install it in your app (`npm install @sentry/node`), or unset SENTRY_DSN to run without error tracking.',
  },
  KIT_SENTRY_SDK_UNSUPPORTED: {
    when: 'SENTRY_DSN (or the `dsn` option) is set and the installed @sentry/node is older than 11, whose options kit passes. (The peer range accepts 8 to 10 only so that such apps can install kit.)',
    fix: "Upgrade it in your app (`npm install @sentry/node@^11`), or unset SENTRY_DSN to run without kit's error tracking.",
  },
  KIT_SENTRY_INVALID_DSN: {
    when: 'SENTRY_DSN (or the `dsn` option) is not a Sentry DSN of the form https://<key>@<host>/<project id>.',
    fix: 'Copy the DSN from Sentry: Project Settings → Client Keys (DSN). The value itself is never printed.',
  },
  KIT_SENTRY_INVALID_SAMPLE_RATE: {
    when: 'SENTRY_TRACES_SAMPLE_RATE (or `tracesSampleRate`) is not a number between 0 and 1.',
    fix: 'Use a number from 0 (tracing off, the default) to 1 (every request traced), for example 0.1.',
  },
  KIT_SENTRY_INVALID_OPTION: {
    when: 'An option passed to initSentry() or to an adapter has the wrong type or an unknown name.',
    fix: 'Check the option against the @kit/sentry README; the message names the option and what was expected.',
  },
  KIT_SENTRY_MIDDLEWARE_NOT_CALLED: {
    when: '`app.use(sentryErrorHandler)` was written without calling the factory.',
    fix: 'Call it: `app.use(sentryErrorHandler())`, before your own error handler.',
  },
} as const
