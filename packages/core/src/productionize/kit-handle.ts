import type { Server } from 'node:http'
import type { Flags } from '@kit/flags'
import type { Health } from '@kit/health'
import type { KitLogger } from '@kit/internal'
import type { KitContext } from './context.ts'
import type { Kit, ListenOptions, OnShutdownOptions } from './handle.ts'
import { INSTALLED_STEPS } from './pipeline.ts'

/**
 * Builds the object productionize() returns. `db` and `redis` are getters so
 * the connection is created on first access; `redis` is only defined when
 * REDIS_URL is set ("members exist only when configured").
 */
export function createKitHandle(
  ctx: KitContext,
  log: KitLogger,
  health: Health,
  listen: (options?: ListenOptions) => Promise<Server>,
  flags: Flags | undefined,
  installedSteps: readonly string[],
): Kit {
  const kit = {
    env: ctx.env,
    log,
    listen,
    onShutdown(name: string, close: () => unknown, options: OnShutdownOptions = {}): void {
      // @kit/health validates the name, the function and the phase (KIT_HEALTH_INVALID_HOOK).
      health.addShutdownHook({
        name,
        close,
        phase: options.phase ?? 'app',
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      })
    },
    async shutdown(): Promise<void> {
      // The process stays up: SIGTERM is what ends it; this is for tests, scripts and embedding.
      await health.shutdown('kit.shutdown()', { exit: false })
    },
  } as unknown as Kit
  // The pipeline steps installed, in order (docs/internals/architecture.md): for tests and debugging, not enumerable.
  Object.defineProperty(kit, INSTALLED_STEPS, { value: Object.freeze([...installedSteps]) })
  Object.defineProperty(kit, 'db', { enumerable: true, get: () => ctx.connections.db() })
  if (flags) Object.defineProperty(kit, 'flags', { enumerable: true, value: flags })
  if (ctx.mailerConfigured) {
    Object.defineProperty(kit, 'mailer', { enumerable: true, get: () => ctx.mailer() })
  }
  if (ctx.connections.hasRedis) {
    Object.defineProperty(kit, 'redis', { enumerable: true, get: () => ctx.connections.redis() })
  }
  return kit
}
