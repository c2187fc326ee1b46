import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createLogger, setResponseError } from '@kit/logger'
import { limit } from '@kit/rate-limit/express'
import type { KitConfig } from '../config/types.ts'
import { createErrorPages, errorRendererFrom } from '../errors/error-pages.ts'
import { finalHandler } from '../errors/express-handlers.ts'
import { resolveEnv } from './context.ts'
import type { ExpressGate } from './express-gate.ts'
import { type ExpressRouterLike, inspectExpressApp } from './express-inspect.ts'
import type { Kit, ListenOptions } from './handle.ts'
import { createKitHandle } from './kit-handle.ts'
import { rejectWithListenError } from './listen-error.ts'
import { listenTarget } from './listen-target.ts'
import { whenListening } from './listening.ts'
import { buildExpressPipeline } from './pipeline-express.ts'
import { setupKit } from './setup.ts'
import { createStartupWarnings } from './startup-warnings.ts'

type Handler = (...args: any[]) => unknown
interface ExpressApp extends ExpressRouterLike {
  (req: IncomingMessage, res: ServerResponse): void
  use(...handlers: Handler[]): unknown
  set(setting: string, value: unknown): unknown
  disable(setting: string): unknown
  handle(req: IncomingMessage, res: ServerResponse, callback?: (error?: unknown) => void): void
  listen(port: number, host: string, cb: (error?: Error) => void): Server
}

/**
 * DESIGN §6 on Express: the pipeline table's steps as one `app.use()` layer
 * (in the place the gate took synchronously), then kit's 404 and error handler.
 */
export async function productionizeExpress(
  input: unknown,
  config: KitConfig,
  gate: ExpressGate,
): Promise<Kit> {
  const app = input as ExpressApp
  const cwd = config.cwd ?? process.cwd()
  const env = resolveEnv(config, cwd)
  const log = createLogger(config.logger ?? {}, { env })
  const setup = await setupKit('express', config, env, log, cwd)
  const { ctx, health, limits, flags } = setup
  const warn = createStartupWarnings(log, config.silenceWarnings)
  const routesBefore = gate.routesBefore
  if (routesBefore > 0) warn('routes-before-productionize', `${routesBefore} route(s) on the router`)

  // Express 5 announces itself and believes X-Forwarded-For from anyone unless told otherwise.
  app.disable('x-powered-by')
  app.set('trust proxy', ctx.trustProxy.express)
  app.set('env', env.NODE_ENV)

  ctx.features.push('request logging', 'health routes', 'graceful shutdown')
  const render = errorRendererFrom(config.errors)
  // DESIGN §6, built from the pipeline table: one router layer for every request step.
  const pipeline = await buildExpressPipeline({ ...setup, config, render })

  // 11. 404 and the safe error handler, as the app's final handler: no listen() needed (supertest, serverless).
  const kitHandles = gate.kitHandles
  let inspected = false
  const inspect = (): void => {
    if (inspected) return
    inspected = true
    const { duplicates, ownErrorHandler } = inspectExpressApp(app, kitHandles)
    for (const duplicate of duplicates) warn(duplicate)
    if (ownErrorHandler) warn('own-error-handler')
  }
  const final = finalHandler({
    pages: createErrorPages({ production: ctx.production, log, render }),
    requestId: (_req, res) => res.getHeader('x-request-id') as string | undefined,
    attachError: setResponseError,
    ...(pipeline.reporters[0] ? { report: pipeline.reporters[0] } : {}),
  })
  // Also when the app calls app.listen() itself: readiness, drain, connections, start-up checks.
  const whenUp = whenListening(setup)
  const appListened = (server: Server): void => {
    const up = (): void => {
      inspect()
      whenUp(server)
    }
    if (server.listening) up()
    else server.once('listening', up)
  }
  gate.open(pipeline.middleware, final, inspect, appListened)
  const appListen = gate.listen

  let listening = false
  const listen = async (options: ListenOptions = {}): Promise<Server> => {
    if (listening) throw new Error('kit.listen() was already called')
    listening = true
    inspect()
    const { port, host } = listenTarget(options, env.PORT, ctx.production)
    const server = await new Promise<Server>((resolve, reject) => {
      // Express 5 passes a listen error to this callback (it is also the 'error' listener) instead of emitting it (docs/internals/framework-facts.md).
      const s = appListen.call(app, port, host, (error?: Error) =>
        error ? rejectWithListenError(reject, error, port, host) : resolve(s),
      )
    }).catch((error: unknown) => {
      listening = false
      throw error
    })
    whenUp(server)
    return server
  }
  const kit = createKitHandle(ctx, log, health, listen, flags, pipeline.installed)
  if (!limits) return kit
  // Per-route tier: app.post('/reports', kit.limit('ai'), handler)
  return Object.assign(kit, { limit: (tier: string) => limit(limits, tier) })
}
