import type { Server } from 'node:http'
import { kitHealth } from '@kit/health/fastify'
import { KitError } from '@kit/internal'
import { createLogger, setResponseError } from '@kit/logger'
import { kitLoggerPlugin } from '@kit/logger/fastify'
import { kitRateLimit } from '@kit/rate-limit/fastify'
import { kitSecurity } from '@kit/security/fastify'
import type { KitConfig } from '../config/types.ts'
import { errorResponse, notFoundResponse } from '../errors/error-response.ts'
import { applyServerTimeouts } from '../server/timeouts.ts'
import { resolveEnv } from './context.ts'
import { findPrepared } from './fastify-options.ts'
import type { Kit, ListenOptions } from './handle.ts'
import { createKitHandle } from './kit-handle.ts'
import { listenTarget } from './listen-target.ts'
import { setupKit, startConnections } from './setup.ts'
import { logStartup } from './startup-line.ts'

interface FastifyLike {
  log: unknown
  server: Server
  initialConfig: { trustProxy?: unknown }
  register(plugin: unknown, options?: unknown): PromiseLike<unknown>
  setNotFoundHandler(handler: (request: any, reply: any) => unknown): unknown
  setErrorHandler(handler: (error: any, request: any, reply: any) => unknown): unknown
  listen(options: { port: number; host: string }): Promise<string>
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

  if (!found && ctx.trustProxy.fastify !== false && !app.initialConfig.trustProxy) {
    throw new KitError(
      'KIT_CORE_FASTIFY_OPTIONS_MISSING',
      `TRUST_PROXY is set (${ctx.trustProxy.description}) but this Fastify instance was created without it, so request.ip would be the proxy's address for every client. Create the instance with kit's options: \`const app = Fastify(fastifyOptions(config))\`.`,
    )
  }

  ctx.features.push('request logging', 'health routes', 'graceful shutdown')
  // 1. request id, request logging, request context
  await app.register(kitLoggerPlugin, { log, skip })
  // 2–3. health routes and load shedding
  await app.register(kitHealth, { health })
  // the metrics endpoint and per-route request metrics (started by kit.listen(), closed by the shutdown)
  if (metrics)
    await app.register((await import('@kit/metrics/fastify')).kitMetrics, { metrics, lifecycle: false })
  // 4–7. HTTPS and hosts, headers + CSP nonce (reply.cspNonce), CORS, CSRF
  if (security) await app.register(kitSecurity, { security, steps: ['hosts', 'headers', 'cors', 'csrf'] })
  // 8. rate limits (route config.rateLimit overrides the prefix map)
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
  // 11. 404 and the safe error handler.
  const requestIdOf = (reply: { getHeader(name: string): unknown }) =>
    reply.getHeader('x-request-id') as string | undefined
  app.setNotFoundHandler((request, reply) => {
    const response = notFoundResponse(request.method, request.url, {
      production: ctx.production,
      requestId: requestIdOf(reply),
      accept: request.headers.accept,
    })
    return reply
      .code(response.status)
      .header('cache-control', 'no-store')
      .type(response.contentType)
      .send(response.body)
  })
  app.setErrorHandler((error, request, reply) => {
    const response = errorResponse(error, {
      production: ctx.production,
      requestId: requestIdOf(reply),
      accept: request.headers.accept,
    })
    if (response.status >= 500) setResponseError(reply.raw, error)
    return reply
      .code(response.status)
      .header('cache-control', 'no-store')
      .type(response.contentType)
      .send(response.body)
  })

  const listen = async (options: ListenOptions = {}): Promise<Server> => {
    const { port, host } = listenTarget(options, env.PORT, ctx.production)
    await app.listen({ port, host })
    applyServerTimeouts(app.server, ctx.serverTimeouts)
    startConnections(ctx, health, log, flags, metrics)
    health.attach(app.server)
    health.markStarted()
    logStartup(log, ctx, app.server)
    return app.server
  }
  return createKitHandle(ctx, log, health, listen, flags)
}
