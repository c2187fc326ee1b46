import type { ShutdownHook } from '@kit/internal'

/**
 * DESIGN §7: after the drain, resources close by phase, in this order, never
 * in the order they happened to be created. `framework` is the framework's own
 * close (Fastify `app.close()`, so its `onClose` hooks run); `app` is the
 * app's own steps (`kit.onShutdown`); `metrics` stops alert timers before the
 * mailer they send through closes; rate-limit stores close in `redis`, before
 * the client they use.
 */
export const SHUTDOWN_PHASES = [
  'framework',
  'app',
  'flags',
  'metrics',
  'mailer',
  'redis',
  'database',
  'sentry',
  'logger',
] as const

export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number]

/** A hook without a phase belongs to the app's own steps. */
export const DEFAULT_SHUTDOWN_PHASE: ShutdownPhase = 'app'

export function isShutdownPhase(value: unknown): value is ShutdownPhase {
  return typeof value === 'string' && (SHUTDOWN_PHASES as readonly string[]).includes(value)
}

/**
 * The order hooks run in: phase by phase; within a phase, the last one
 * registered closes first (a resource created later may use an earlier one).
 */
export function orderHooks(hooks: readonly ShutdownHook[]): ShutdownHook[] {
  const rank = (hook: ShutdownHook): number =>
    SHUTDOWN_PHASES.indexOf(isShutdownPhase(hook.phase) ? hook.phase : DEFAULT_SHUTDOWN_PHASE)
  return hooks
    .map((hook, index) => ({ hook, index }))
    .sort((a, b) => rank(a.hook) - rank(b.hook) || b.index - a.index)
    .map(({ hook }) => hook)
}
