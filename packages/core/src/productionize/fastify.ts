import type { Server } from 'node:http'
import type { Health } from '@kit/health'
import { KitError } from '@kit/internal'
import { createLogger } from '@kit/logger'
import type { KitConfig } from '../config/types.ts'
import { createErrorPages, errorRendererFrom } from '../errors/error-pages.ts'
import { resolveEnv } from './context.ts'
import { type FastifyErrorsHost, installFastifyErrorPages } from './fastify-errors.ts'
import { watchReplacedPlugins } from './fastify-inspect.ts'
import { findPrepared } from './fastify-options.ts'
import type { Kit, ListenOptions } from './handle.ts'
import { createKitHandle } from './kit-handle.ts'
import { rejectWithListenError } from './listen-error.ts'
import { listenTarget } from './listen-target.ts'
import { whenListening } from './listening.ts'
import { buildFastifyPipeline } from './pipeline-fastify.ts'
import { setupKit } from './setup.ts'
import { createStartupWarnings } from './startup-warnings.ts'

interface FastifyLike extends FastifyErrorsHost {
  log: unknown
  server: Server
  initialConfig: { trustProxy?: unknown }
  register(plugin: unknown, options?: unknown): PromiseLike<unknown>
  addHook(
    name: 'onReady' | 'onClose' | 'onRequest' | 'onListen',
    hook: (...args: any[]) => Promise<void>,
  ): unknown
  hasPlugin(name: string): boolean
  printRoutes(): string
  listen(options: { port: number; host: string }): Promise<string>
  close(): Promise<void>
}

/** DESIGN §6 on Fastify: the pipeline table's steps, chained into as few onRequest hooks as its plugins allow. */
export async function productionizeFastify(input: unknown, config: KitConfig): Promise<Kit> {
  const app = input as FastifyLike
  const found = findPrepared(app.log)
  const cwd = found?.cwd ?? config.cwd ?? process.cwd()
  const env = found?.env ?? resolveEnv(config, cwd)
  const log = found?.log ?? createLogger(config.logger ?? {}, { env })
  const setup = await setupKit('fastify', config, env, log, cwd)
  const { ctx, health, flags } = setup
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
  // DESIGN §6, built from the pipeline table: runs of steps chained into one onRequest hook.
  const installed = await buildFastifyPipeline(app, { ...setup, config, render })

  // 11. 404 and the safe error handler, unless the app brings its own.
  const pages = createErrorPages({ production: ctx.production, log, render })
  installFastifyErrorPages(app, pages, warn)
  watchReplacedPlugins(app, warn)
  installFastifyClose(app, health)
  // Also when the app (or fastify-cli) calls app.listen() itself: readiness, drain, connections.
  const listening = whenListening(setup)
  app.addHook('onListen', async () => listening(app.server))

  const listen = async (options: ListenOptions = {}): Promise<Server> => {
    const { port, host } = listenTarget(options, env.PORT, ctx.production)
    await app
      .listen({ port, host })
      .catch(
        (error: unknown) =>
          new Promise<never>((_, reject) => rejectWithListenError(reject, error, port, host)),
      )
    listening(app.server)
    return app.server
  }
  return createKitHandle(ctx, log, health, listen, flags, installed)
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
