/**
 * What the "everything on" variants add around productionize(): the flag
 * they evaluate on every request (productionize() wires @kit/flags from
 * kit.config `flags`), and @kit/metrics, which productionize() does not wire
 * yet, so it is added the way its README shows. Whatever is missing is
 * reported, not faked.
 */

/** One flag evaluated on every request: a 50 % rollout by user id, so the bucket hash runs. */
export const BENCH_FLAGS = {
  newGreeting: { default: false, description: 'bench: evaluated on every request' },
} as const
/** FEATURE_FLAGS of the everything-on variants. */
export const BENCH_FLAG_STATES: string = JSON.stringify({ newGreeting: { rollout: 50 } })

export interface Extras {
  /** Express middleware and Fastify plugin of @kit/metrics, when it has them. */
  metrics: MetricsAdapters | undefined
  /** What the run had, for the log. */
  notes: string[]
}

export interface MetricsAdapters {
  express: (...args: any[]) => unknown
  fastify: { plugin: unknown; options: Record<string, unknown> }
}

export async function createExtras(): Promise<Extras> {
  const metrics = await loadMetrics()
  const notes = [
    'flags: kit.config flags, 1 flag (50 % rollout) evaluated per request',
    metrics
      ? 'metrics: @kit/metrics request metrics'
      : 'metrics: not included (@kit/metrics has no request-metrics adapter yet)',
  ]
  return { metrics, notes }
}

/**
 * @kit/metrics is used through its adapters (`metricsMiddleware` /
 * `kitMetrics` over a `createMetrics()` instance) when it exports them.
 */
async function loadMetrics(): Promise<MetricsAdapters | undefined> {
  try {
    const core = (await import('@kit/metrics')) as Record<string, unknown>
    const ex = (await import('@kit/metrics/express' as string)) as Record<string, unknown>
    const fa = (await import('@kit/metrics/fastify' as string)) as Record<string, unknown>
    const create = core.createMetrics as ((options?: object, context?: object) => unknown) | undefined
    const middleware = ex.metricsMiddleware as ((metrics: unknown) => (...args: any[]) => unknown) | undefined
    const plugin = fa.kitMetrics
    if (typeof create !== 'function' || typeof middleware !== 'function' || plugin === undefined)
      return undefined
    const metrics = create({}, { env: { NODE_ENV: 'production' } }) as { start(): Promise<void> }
    // The Fastify plugin starts them with the app; on Express it is the app's call.
    await metrics.start()
    return { express: middleware(metrics), fastify: { plugin, options: { metrics } } }
  } catch {
    return undefined
  }
}
