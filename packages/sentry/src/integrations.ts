import type { SentryConfig } from './options.ts'
import type { SentrySdk } from './state.ts'

type Integration = ReturnType<SentrySdk['getDefaultIntegrationsWithoutPerformance']>[number]

// Facts about the SDK this relies on: docs/internals/sentry-sdk-facts.md.

/**
 * The SDK's Dedupe drops an event that repeats the previous one (same
 * message, same stack): a server sees the same error from many requests, and
 * each must arrive with its own request id. Sampling (`sampleRate`) and
 * Sentry's own rate limits decide volume, never this.
 */
const NEVER = new Set(['Dedupe'])

/**
 * Errors-only mode (tracing off): the SDK's default integrations that do
 * their work when an error is captured or the process fails, none that
 * wraps each request (Http's per-request isolation scope and body capture,
 * NodeFetch, the framework integrations). An allow-list, so an integration a
 * later SDK adds to its defaults does not start running per request unseen.
 */
const ERRORS_ONLY = new Set([
  'EventFilters',
  'FunctionToString',
  'LinkedErrors', // error.cause chains
  'RequestData', // turns the request kit hands over into event.request, per dataCollection
  'NodeSystemError',
  'Console', // console lines as breadcrumbs
  'OnUncaughtException',
  'OnUnhandledRejection',
  'ContextLines', // source lines around frames
  'LocalVariablesAsync', // only when collect.localVariables
  'Context', // os, runtime, server_name context
  'ChildProcess',
  'WorkerThreads',
  'ProcessSession',
  'Modules',
])

export type SentryMode = 'errors-only' | 'full'

/** Tracing on keeps the full SDK (spans need its per-request instrumentation); off, errors only. */
export function sentryMode(config: SentryConfig): SentryMode {
  return config.tracesSampleRate > 0 ? 'full' : 'errors-only'
}

/** The integrations for `mode`, from the SDK's own defaults. */
export function integrationsFor(sdk: SentrySdk, config: SentryConfig, mode: SentryMode): Integration[] {
  if (mode === 'errors-only') {
    return sdk
      .getDefaultIntegrationsWithoutPerformance()
      .filter((i) => ERRORS_ONLY.has(i.name))
      .filter((i) => i.name !== 'LocalVariablesAsync' || config.collect.localVariables)
  }
  return [
    ...sdk
      .getDefaultIntegrations({ tracesSampleRate: config.tracesSampleRate })
      .filter((i) => !NEVER.has(i.name) && i.name !== 'Express' && i.name !== 'Fastify'),
    // kit's adapters capture 5xx with the request id; the SDK's own capture would send each error twice.
    sdk.expressIntegration({ shouldHandleError: false }),
    sdk.fastifyIntegration({ shouldHandleError: () => false }),
  ]
}
