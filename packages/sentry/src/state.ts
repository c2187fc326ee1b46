import type * as SentryNode from '@sentry/node'
import type { SentryMode } from './integrations.ts'
import type { SentryConfig } from './options.ts'

export type SentrySdk = typeof SentryNode

/** What initSentry() leaves for the rest of the process (adapters, shutdown hook, init-order check). */
export interface SentryState {
  sdk: SentrySdk | undefined
  config: SentryConfig
  /** How the SDK runs (see integrations.ts); undefined while Sentry is off. */
  mode: SentryMode | undefined
  /** Frameworks already loaded when Sentry started: their errors and routes are not instrumented. */
  loadedBeforeInit: string[]
}

// On globalThis under a registered symbol: the preload and the app may load
// two copies of this package (dist and source, or two versions), and every
// copy must see the one initialisation.
const KEY = Symbol.for('@kit/sentry.state')
type Holder = { [KEY]?: SentryState }

export function getSentryState(): SentryState | undefined {
  return (globalThis as Holder)[KEY]
}

export function setSentryState(state: SentryState | undefined): void {
  ;(globalThis as Holder)[KEY] = state
}

/** The SDK when kit initialised it with a DSN, else undefined (every kit call is then a no-op). */
export function activeSdk(): SentrySdk | undefined {
  return getSentryState()?.sdk
}
