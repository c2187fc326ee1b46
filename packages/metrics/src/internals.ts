import { KitError } from '@kit/internal'
import type { MetricsEndpoint } from './http/endpoint.ts'
import type { RequestTracker } from './http/tracker.ts'

/** What the adapters reach through a Metrics instance; not part of the public API. */
export const INTERNALS: unique symbol = Symbol('kit.metrics.internals')

export interface MetricsInternals {
  enabled: boolean
  /** Whether the app answers the endpoint (false with METRICS_PORT or when disabled). */
  servesOnApp: boolean
  tracker: RequestTracker
  endpoint: MetricsEndpoint
  start(): Promise<void>
  close(): Promise<void>
}

export function internalsOf(metrics: unknown, usage: string): MetricsInternals {
  const internals = (metrics as { [INTERNALS]?: MetricsInternals } | null | undefined)?.[INTERNALS]
  if (internals) return internals
  throw new KitError(
    'KIT_METRICS_MIDDLEWARE_NOT_CALLED',
    `${usage} needs the instance createMetrics() returned (got ${metrics === undefined ? 'nothing' : 'something else'}).`,
  )
}
