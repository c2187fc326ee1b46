import type { IncomingMessage, ServerResponse } from 'node:http'
import { attachErrorRenderer, createDebug, type ErrorRenderer } from '@kit/internal'
import type { KitConfig } from '../config/types.ts'
import type { KitSetup } from './setup.ts'

/**
 * DESIGN §6 as data: the one ordered table of request-pipeline steps. Both
 * adapters are built from it (pipeline-express.ts, pipeline-fastify.ts), so
 * the order exists once; every step must say how it runs on each framework
 * (the type has no optional form), and test/pipeline.test.ts checks that
 * both frameworks install the same names in this order. Each form imports
 * its package's adapter lazily: only the detected framework's modules load.
 */

/** What the steps are built from: the resolved setup plus the app's error renderer. */
export interface PipelineInputs extends KitSetup {
  config: KitConfig
  render: ErrorRenderer | undefined
}

export type ExpressNext = (error?: unknown) => void
// `any`: each package's middleware is typed with Express's own Request and Response.
export type ExpressMiddleware = (req: any, res: any, next: ExpressNext) => unknown
export type ExpressErrorReporter = (
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: ExpressNext,
) => void

/**
 * A request step runs inside kit's one composite middleware; an error
 * reporter runs in kit's final error handler.
 */
export type ExpressForm =
  | { middleware(inputs: PipelineInputs): ExpressMiddleware | Promise<ExpressMiddleware> }
  | { errorReporter(inputs: PipelineInputs): Promise<ExpressErrorReporter> }

/** A Fastify onRequest hook in callback form (it calls `next()` unless it answered). */
export type FastifyHook = (request: any, reply: any, next: (error?: Error) => void) => unknown

/** The parts of a Fastify instance a step's Fastify form uses. */
export interface FastifyHost {
  register(plugin: unknown, options?: unknown): PromiseLike<unknown>
  addHook(name: string, hook: (...args: any[]) => unknown): unknown
}

/**
 * `hook`: chained with its neighbours into one onRequest hook (it may set up
 * other hooks, decorators or parsers on the instance; undefined when the
 * step has no per-request work on this configuration). `plugin`: registered
 * in its place (a package whose hooks are per route or need encapsulation).
 * `providedBy`: installed by another step's plugin, which names the reason.
 */
export type FastifyForm =
  | {
      hook(
        inputs: PipelineInputs,
        app: FastifyHost,
      ): FastifyHook | undefined | Promise<FastifyHook | undefined>
    }
  | { plugin(inputs: PipelineInputs, app: FastifyHost): Promise<void> }
  | { providedBy: string; why: string }

export interface PipelineStep {
  readonly name: string
  readonly enabled: (inputs: PipelineInputs) => boolean
  readonly express: ExpressForm
  readonly fastify: FastifyForm
}

const security = (i: PipelineInputs) => i.security!
const securityExpress = () => import('@kit/security/express')
const securityHook =
  (step: 'hosts' | 'headers' | 'cors' | 'csrf' | 'cspReport' | 'bodyLimit') =>
  async (i: PipelineInputs, app: FastifyHost): Promise<FastifyHook> =>
    (await import('@kit/security/fastify')).securityHook(app as never, security(i), step)!

export const PIPELINE: readonly PipelineStep[] = [
  {
    // The app's error shape, for every refusal below (security, rate limits) and kit's 404 and error handler.
    name: 'errorRenderer',
    enabled: (i) => i.render !== undefined,
    express: {
      middleware: (i) =>
        function kitErrorRenderer(req: IncomingMessage, _res: ServerResponse, next: ExpressNext) {
          attachErrorRenderer(req, i.render!)
          next()
        },
    },
    fastify: {
      hook: (i) =>
        function kitErrorRenderer(request: { raw: IncomingMessage }, _reply: unknown, next: () => void) {
          attachErrorRenderer(request.raw, i.render!)
          next()
        },
    },
  },
  {
    // Request id, request context (AsyncLocalStorage), req.id/req.log, one line per request.
    name: 'requestLogger',
    enabled: () => true,
    express: {
      middleware: async (i) => (await import('@kit/logger/express')).requestLogger(i.log, { skip: i.skip }),
    },
    fastify: {
      hook: async (i, app) =>
        (await import('@kit/logger/fastify')).requestLoggerHook(app as never, { log: i.log, skip: i.skip }),
    },
  },
  {
    // Answered before anything below can refuse them.
    name: 'healthRoutes',
    enabled: () => true,
    express: { middleware: async (i) => (await import('@kit/health/express')).healthRoutes(i.health) },
    fastify: { hook: async (i) => (await import('@kit/health/fastify')).healthRoutesHook(i.health) },
  },
  {
    // The metrics endpoint (token or private network) and per-route request metrics; before shedding, like health.
    name: 'metrics',
    enabled: (i) => i.metrics !== undefined,
    express: {
      middleware: async (i) => (await import('@kit/metrics/express')).metricsMiddleware(i.metrics!),
    },
    // Started by kit.listen(), closed by the shutdown; undefined when nothing runs per request.
    fastify: { hook: async (i) => (await import('@kit/metrics/fastify')).metricsHook(i.metrics!) },
  },
  {
    name: 'loadShedding',
    enabled: () => true,
    express: { middleware: async (i) => (await import('@kit/health/express')).loadShedding(i.health) },
    fastify: { hook: async (i) => (await import('@kit/health/fastify')).loadSheddingHook(i.health) },
  },
  {
    // HTTPS redirect, allowed hosts (421), canonical host.
    name: 'hosts',
    enabled: (i) => i.security !== undefined,
    express: { middleware: async (i) => (await securityExpress()).httpsAndHosts(security(i)) },
    fastify: { hook: securityHook('hosts') },
  },
  {
    // Security headers and the CSP nonce (res.locals.cspNonce, reply.cspNonce).
    name: 'headers',
    enabled: (i) => i.security !== undefined,
    express: { middleware: async (i) => (await securityExpress()).securityHeaders(security(i)) },
    fastify: { hook: securityHook('headers') },
  },
  {
    // Preflights are answered here.
    name: 'cors',
    enabled: (i) => i.security !== undefined,
    express: { middleware: async (i) => (await securityExpress()).corsPolicy(security(i)) },
    fastify: { hook: securityHook('cors') },
  },
  {
    name: 'csrf',
    enabled: (i) => i.security !== undefined,
    express: { middleware: async (i) => (await securityExpress()).csrfProtection(security(i)) },
    fastify: { hook: securityHook('csrf') },
  },
  {
    // One tier per request, by route prefix (Fastify: route config.kitRateLimit overrides the prefix map).
    name: 'rateLimits',
    enabled: (i) => i.limits !== undefined,
    express: { middleware: async (i) => (await import('@kit/rate-limit/express')).rateLimits(i.limits!) },
    fastify: {
      hook: async (i, app) =>
        (await import('@kit/rate-limit/fastify')).rateLimitHook(app as never, {
          limits: i.limits!,
          trustProxy: i.ctx.trustProxy.fastify,
        }),
    },
  },
  {
    // After the limits: the report endpoint has a tier of its own ('reports').
    name: 'cspReport',
    enabled: (i) => i.security !== undefined,
    express: { middleware: async (i) => (await securityExpress()).cspReportRoute(security(i)) },
    fastify: { hook: securityHook('cspReport') },
  },
  {
    // MAX_UPLOAD_SIZE, and the parsers (JSON, forms, octet-stream).
    name: 'bodyLimits',
    enabled: (i) => i.security?.config.bodyLimit !== undefined,
    express: { middleware: async (i) => (await securityExpress()).bodyLimits(security(i)) },
    fastify: { hook: securityHook('bodyLimit') },
  },
  {
    // Failed-login blocking reads the account name from the parsed body, so it comes after the parsers.
    name: 'bruteForce',
    enabled: (i) => i.limits !== undefined,
    express: { middleware: async (i) => (await import('@kit/rate-limit/express')).bruteForce(i.limits!) },
    fastify: {
      providedBy: 'rateLimits',
      why: 'Fastify parses bodies after onRequest: the rate-limit step adds a preHandler to the login routes',
    },
  },
  {
    // req.flags / request.flags, bound to the request's user on first use.
    name: 'flags',
    enabled: (i) => i.flags !== undefined,
    express: {
      middleware: async (i) =>
        (await import('@kit/flags/express')).flagsMiddleware(
          i.flags!,
          i.config.flagContext ? { context: i.config.flagContext } : {},
        ),
    },
    fastify: {
      plugin: async (i, app) => {
        await app.register((await import('@kit/flags/fastify')).kitFlags, {
          flags: i.flags,
          ...(i.config.flagContext ? { context: i.config.flagContext } : {}),
        })
      },
    },
  },
  {
    // 5xx errors to Sentry, tagged with the request id; kit's error handler still answers.
    name: 'sentry',
    enabled: (i) => Boolean(i.ctx.env.SENTRY_DSN),
    express: { errorReporter: async () => (await import('@kit/sentry/express')).sentryErrorHandler() },
    fastify: {
      plugin: async (_i, app) => {
        await app.register((await import('@kit/sentry/fastify')).sentryFastify)
      },
    },
  },
]

/** The steps this configuration turns on, in order. */
export function enabledSteps(inputs: PipelineInputs): PipelineStep[] {
  return PIPELINE.filter((step) => step.enabled(inputs))
}

/** Where the installed step names are kept on the kit handle and the app (non-enumerable). */
export const INSTALLED_STEPS: unique symbol = Symbol.for('kit.pipeline.steps')

const debug = createDebug('core')

/** `NODE_DEBUG=kit:core` prints the steps installed, in order. */
export function debugInstalled(framework: 'express' | 'fastify', installed: readonly string[]): void {
  debug('pipeline on %s: %s', framework, installed.join(' → '))
}
