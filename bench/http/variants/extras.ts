/**
 * What the "everything on" variants configure besides Redis and Sentry: the
 * flag they evaluate on every request (productionize() wires @kit/flags from
 * kit.config `flags`) and metrics (kit.config `metrics: {}` turns on
 * @kit/metrics' request metrics in the pipeline).
 */
import type { KitConfig } from '@kit/core'
import type { Redis } from 'ioredis'

/** One flag evaluated on every request: a 50 % rollout by user id, so the bucket hash runs. */
export const BENCH_FLAGS = {
  newGreeting: { default: false, description: 'bench: evaluated on every request' },
} as const

/** FEATURE_FLAGS of the everything-on variants. */
export const BENCH_FLAG_STATES: string = JSON.stringify({ newGreeting: { rollout: 50 } })

/** Which parts of everything on a variant keeps (all by default; the diagnostic variants turn one off). */
export interface EverythingOptions {
  sentry?: boolean
  redis?: boolean
  flags?: boolean
  metrics?: boolean
}

/** The kit.config part of everything on: flags and metrics. */
export function everythingConfig(options: EverythingOptions = {}): KitConfig {
  return {
    ...(options.flags === false ? {} : { flags: BENCH_FLAGS, flagOptions: { file: false } }),
    ...(options.metrics === false ? {} : { metrics: {} }),
  }
}

/** An ioredis client on REDIS_URL (the runner's throwaway server), connected before the variant listens. */
export async function readyRedis(): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true })
  await client.connect()
  return client
}
