import type { StartupWarning } from './startup-warnings.ts'

const REPLACED_PLUGINS = ['@fastify/helmet', '@fastify/cors', '@fastify/rate-limit'] as const

// Fastify 5 keeps the names of the plugins registered on an instance under this global symbol (docs/internals/framework-facts.md).
const REGISTERED_PLUGINS = Symbol.for('registered-plugin')

interface FastifyPluginsHost {
  hasPlugin(name: string): boolean
  addHook(name: 'onReady', hook: () => Promise<void>): unknown
}

function timesRegistered(app: FastifyPluginsHost, name: string): number {
  const names = (app as unknown as Record<symbol, unknown>)[REGISTERED_PLUGINS]
  if (Array.isArray(names)) return names.filter((n) => n === name).length
  return app.hasPlugin(name) ? 1 : 0
}

/**
 * Warns, once the app is ready, about the plugins kit replaces that the app
 * registered itself. Counted against what kit's own plugins registered (kit's
 * rate limits no longer register @fastify/rate-limit; the baseline stays for
 * the others), so only the app's are reported.
 * Call it right after kit's plugins are registered.
 */
export function watchReplacedPlugins(app: FastifyPluginsHost, warn: (warning: StartupWarning) => void): void {
  const baseline = new Map(REPLACED_PLUGINS.map((name) => [name, timesRegistered(app, name)]))
  app.addHook('onReady', async () => {
    for (const name of REPLACED_PLUGINS)
      if (timesRegistered(app, name) > (baseline.get(name) ?? 0)) warn(name)
  })
}
