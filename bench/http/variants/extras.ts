/**
 * The optional services of the "everything on" variants: feature flags and
 * metrics, when their packages exist. productionize() does not wire either
 * yet, so the variants add them the way their READMEs show, after
 * productionize(). Whatever is missing is reported, not faked.
 */
import { createFlags, type Flags } from '@kit/flags'

/** One flag evaluated on every request: a 50 % rollout by user id, so the bucket hash runs. */
export const BENCH_FLAGS = {
  newGreeting: { default: false, description: 'bench: evaluated on every request' },
} as const

export interface Extras {
  flags: Flags<typeof BENCH_FLAGS> | undefined
  /** Express middleware and Fastify plugin of @kit/metrics, when it has them. */
  metrics: MetricsAdapters | undefined
  /** What the run had, for the results table. */
  notes: string[]
}

export interface MetricsAdapters {
  express: (...args: any[]) => unknown
  fastify: { plugin: unknown; options: Record<string, unknown> }
}

export async function createExtras(log: unknown): Promise<Extras> {
  const notes: string[] = []
  const flags = createFlags(
    BENCH_FLAGS,
    { file: false, invalidation: 'poll' },
    {
      env: { NODE_ENV: 'production', FEATURE_FLAGS: JSON.stringify({ newGreeting: { rollout: 50 } }) },
      log: log as never,
    },
  )
  await flags.start()
  notes.push('flags: @kit/flags, 1 flag (50 % rollout) evaluated per request')
  const metrics = await loadMetrics()
  notes.push(
    metrics
      ? 'metrics: @kit/metrics request metrics'
      : 'metrics: not included (@kit/metrics has no request-metrics adapter yet)',
  )
  return { flags, metrics, notes }
}

/**
 * @kit/metrics is being written while this harness is; it is used as soon as
 * it exports its adapters (`metricsMiddleware` / `kitMetrics` over a
 * `createMetrics()` instance), and reported as missing until then.
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
