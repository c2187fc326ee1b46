import { addKnownSecret, createDebug, envSecretValues, silentLogger } from '@kit/internal'
import { requestBreadcrumbs } from './breadcrumbs.ts'
import { toDataCollection } from './data-collection.ts'
import { integrationsFor, sentryMode } from './integrations.ts'
import { parseSentryOptions, type SentryContext, type SentryEnv, type SentryOptions } from './options.ts'
import { createScrubbers } from './scrub.ts'
import { loadedFrameworks, loadSentrySdk } from './sdk.ts'
import { getSentryState, setSentryState } from './state.ts'

const debug = createDebug('sentry')

/**
 * Starts Sentry from options and env, once per process. Without a DSN it
 * records "off" and loads nothing; a later call that brings a DSN (say from a
 * .env file the preload could not see) still starts it, late. Once on, later
 * calls change nothing. With a DSN it loads @sentry/node synchronously and
 * initialises it with kit's privacy defaults. Returns true when Sentry is on.
 *
 * `@kit/sentry/instrument` calls this with no options; an app that wants to
 * opt in to more data writes its own preload file that calls it.
 */
export function initSentry(options: SentryOptions = {}, context: SentryContext = {}): boolean {
  const log = context.log ?? silentLogger
  if (getSentryState()?.sdk) {
    debug('initSentry: Sentry is already on')
    if (Object.keys(options).length > 0) {
      log.warn(
        'Sentry was already initialised (by the @kit/sentry/instrument preload or an earlier initSentry() call), so the options passed now are ignored. To use them, call initSentry(options) from your own preload file instead.',
      )
    }
    return true
  }
  const env = context.env ?? process.env
  const config = parseSentryOptions(options, env)
  if (config.dsn === undefined) {
    if (!getSentryState()) setSentryState({ sdk: undefined, config, mode: undefined, loadedBeforeInit: [] })
    debug('no SENTRY_DSN: error tracking off, @sentry/node not loaded')
    return false
  }

  registerEnvSecrets(env)
  const loadedBeforeInit = loadedFrameworks()
  const sdk = loadSentrySdk()
  const scrub = createScrubbers({
    redactKeys: config.redactKeys,
    keepQueryStrings: config.collect.queryStrings,
  })
  const mode = sentryMode(config)
  const breadcrumbs = requestBreadcrumbs(mode)
  // Without default integrations: integrationsFor() picks them (no Dedupe; errors-only: nothing per request).
  sdk.initWithoutDefaultIntegrations({
    dsn: config.dsn,
    environment: config.environment,
    release: config.release,
    // Any rate, 0 included, turns the SDK's span machinery on for every request
    // (hasSpansEnabled tests `!= null`): tracing off must mean no rate at all.
    ...(mode === 'full' ? { tracesSampleRate: config.tracesSampleRate } : {}),
    // The module hooks that rewrite Express, Fastify, router... at load time so they
    // emit diagnostics channels for spans: every middleware call then goes
    // through a wrapper. Errors-only mode records no spans, so no rewriting
    // (docs/internals/sentry-sdk-facts.md).
    enableRuntimeChannelInjection: mode === 'full',
    debug: config.debug,
    dataCollection: toDataCollection(config),
    includeLocalVariables: config.collect.localVariables,
    // Spans are streamed (the v11 default), so spans are scrubbed in beforeSendSpan.
    traceLifecycle: 'stream',
    integrations: integrationsFor(sdk, config, mode),
    beforeSend: (event) => scrub.event(breadcrumbs.select(event)),
    beforeSendSpan: (span) => scrub.span(span),
    beforeBreadcrumb: (breadcrumb) => breadcrumbs.tag(scrub.breadcrumb(breadcrumb)),
  })
  setSentryState({ sdk, config, mode, loadedBeforeInit })
  debug(
    'Sentry on (%s): environment=%s release=%s (from %s) tracesSampleRate=%d collect=%j',
    mode,
    config.environment,
    config.release ?? '(SDK detection)',
    config.releaseSource ?? 'nowhere',
    config.tracesSampleRate,
    config.collect,
  )
  log.debug(
    {
      mode,
      environment: config.environment,
      release: config.release,
      tracesSampleRate: config.tracesSampleRate,
    },
    'Sentry initialised',
  )
  return true
}

/** True once Sentry runs with a DSN in this process. */
export function isSentryInitialised(): boolean {
  return getSentryState()?.sdk !== undefined
}

// Errors thrown before @kit/env has loaded must not leak env secrets either.
// The same values @kit/env registers: secret-looking values under secret
// names, never PWD (the app's directory must stay in stack frames).
function registerEnvSecrets(env: SentryEnv): void {
  for (const value of envSecretValues(env)) addKnownSecret(value)
}
