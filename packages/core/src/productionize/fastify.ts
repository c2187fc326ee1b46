import type { IncomingMessage, Server } from 'node:http'
import type { Health } from '@kit/health'
import { kitHealth } from '@kit/health/fastify'
import { attachErrorRenderer, KitError } from '@kit/internal'
import { createLogger } from '@kit/logger'
import { kitLoggerPlugin } from '@kit/logger/fastify'
import { kitRateLimit } from '@kit/rate-limit/fastify'
import { kitSecurity } from '@kit/security/fastify'
import type { KitConfig } from '../config/types.ts'
import { createErrorPages, errorRendererFrom } from '../errors/error-pages.ts'
import { applyServerTimeouts } from '../server/timeouts.ts'
import { resolveEnv } from './context.ts'
import { type FastifyErrorsHost, installFastifyErrorPages } from './fastify-errors.ts'
import { watchReplacedPlugins } from './fastify-inspect.ts'
import { findPrepared } from './fastify-options.ts'
import type { Kit, ListenOptions } from './handle.ts'
import { createKitHandle } from './kit-handle.ts'
import { listenTarget } from './listen-target.ts'
import { listenError } from './port-holder.ts'
import { setupKit, startConnections } from './setup.ts'
import { logStartup } from './startup-line.ts'
import { createStartupWarnings } from './startup-warnings.ts'

interface FastifyLike extends FastifyErrorsHost {
  log: unknown
  server: Server
  initialConfig: { trustProxy?: unknown }
  register(plugin: unknown, options?: unknown): PromiseLike<unknown>
  addHook(name: 'onReady' | 'onClose' | 'onRequest', hook: (...args: any[]) => Promise<void>): unknown
  hasPlugin(name: string): boolean
  printRoutes(): string
  listen(options: { port: number; host: string }): Promise<string>
  close(): Promise<void>
}

/** DESIGN §6 on Fastify: plugins registered in order; their onRequest hooks run in that order. */
export async function productionizeFastify(input: unknown, config: KitConfig): Promise<Kit> {
  const app = input as FastifyLike
  const found = findPrepared(app.log)
  const cwd = found?.cwd ?? config.cwd ?? process.cwd()
  const env = found?.env ?? resolveEnv(config, cwd)
  const log = found?.log ?? createLogger(config.logger ?? {}, { env })
  const { ctx, health, security, limits, flags, metrics, skip } = await setupKit(
    'fastify',
    config,
    env,
    log,
    cwd,
  )
  const warn = createStartupWarnings(log, config.silenceWarnings)

  if (!found && ctx.trustProxy.fastify !== false && !app.initialConfig.trustProxy) {
    throw new KitError(
      'KIT_CORE_FASTIFY_OPTIONS_MISSING',
      `TRUST_PROXY is set (${ctx.trustProxy.description}) but this Fastify instance was created without it, so request.ip would be the proxy's address for every client. Create the instance with kit's options: \`const app = Fastify(fastifyOptions(config))\`.`,
    )
  }
  // Routes registered before kit's plugins: those in encapsulated plugins never get kit's hooks, none get its error handler.
  if (app.printRoutes().trim() !== '(empty tree)') warn('routes-before-productionize')

  ctx.features.push('request logging', 'health routes', 'graceful shutdown')
  const render = errorRendererFrom(config.errors)
  // The app's error shape, for every refusal below (security, rate limits) and kit's 404 and error handler.
  if (render) {
    app.addHook('onRequest', async function kitErrorRenderer(request: { raw: IncomingMessage }) {
      attachErrorRenderer(request.raw, render)
    })
  }
  // 1. request id, request logging, request context
  await app.register(kitLoggerPlugin, { log, skip })
  // 2–3. health routes and load shedding
  await app.register(kitHealth, { health })
  // the metrics endpoint and per-route request metrics (started by kit.listen(), closed by the shutdown)
  if (metrics)
    await app.register((await import('@kit/metrics/fastify')).kitMetrics, { metrics, lifecycle: false })
  // 4–7. HTTPS and hosts, headers + CSP nonce (reply.cspNonce), CORS, CSRF
  if (security) await app.register(kitSecurity, { security, steps: ['hosts', 'headers', 'cors', 'csrf'] })
  // 8. rate limits (route config.kitRateLimit overrides the prefix map)
  if (limits) await app.register(kitRateLimit, { limits, trustProxy: ctx.trustProxy.fastify })
  // the CSP report endpoint (its own 'reports' tier, so after the limits), then 9. body limits
  if (security) await app.register(kitSecurity, { security, steps: ['cspReport', 'bodyLimit'] })
  // request.flags, bound to the request's user on first use
  if (flags)
    await app.register((await import('@kit/flags/fastify')).kitFlags, {
      flags,
      ...(config.flagContext ? { context: config.flagContext } : {}),
    })

  if (env.SENTRY_DSN) await app.register((await import('@kit/sentry/fastify')).sentryFastify)
  // 11. 404 and the safe error handler, unless the app brings its own.
  const pages = createErrorPages({ production: ctx.production, log, render })
  installFastifyErrorPages(app, pages, warn)
  watchReplacedPlugins(app, warn)
  installFastifyClose(app, health)

  const listen = async (options: ListenOptions = {}): Promise<Server> => {
    const { port, host } = listenTarget(options, env.PORT, ctx.production)
    await app.listen({ port, host }).catch((error: unknown) => {
      throw listenError(error, port, host)
    })
    applyServerTimeouts(app.server, ctx.serverTimeouts)
    startConnections(ctx, health, log, flags, metrics)
    health.attach(app.server)
    health.markStarted()
    logStartup(log, ctx, app.server)
    return app.server
  }
  return createKitHandle(ctx, log, health, listen, flags)
}

/**
 * DESIGN §7 on Fastify: after the drain, `app.close()` runs (phase
 * 'framework'), so the app's `onClose` hooks (`knex.destroy()`) run before kit
 * closes its own resources. An app that calls `app.close()` itself (a test's
 * teardown) gets kit's resources closed too, instead of a process kept alive
 * by an open Redis connection.
 */
function installFastifyClose(app: FastifyLike, health: Health): void {
  let closing = false
  health.addShutdownHook({
    name: 'fastify app.close()',
    phase: 'framework',
    close: () => {
      if (closing) return
      closing = true
      return app.close()
    },
  })
  app.addHook('onClose', async () => {
    if (closing) return
    closing = true
    await health.shutdown('fastify app.close()', { exit: false })
  })
}
