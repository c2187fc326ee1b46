import { FASTIFY_FACTS, fastifyRouteConfig, requestFacts } from '@kit/internal'
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { MAX_FORM_FIELDS, parseForm } from './body-limit.ts'
import type { FrameworkIO } from './io.ts'
import type { SecurityOptions } from './options.ts'
import { SECURITY_STEPS, type Security, type SecurityStep, toSecurity } from './security.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonce: `<script nonce="${reply.cspNonce}">`. */
    cspNonce: string
  }
  interface FastifyContextConfig {
    /** `false` exempts the route from @kit/security's CSRF check (webhooks). */
    csrf?: boolean
  }
}

/**
 * Fastify's own view of the request: request.protocol and request.host follow
 * `trustProxy`, asked once per request and shared with the other steps (requestFacts).
 */
const fastifyIO: FrameworkIO<FastifyRequest, FastifyReply> = {
  raw: (request) => request.raw,
  secure: (request) => requestFacts(request.raw, request, FASTIFY_FACTS).secure,
  host: (request) => requestFacts(request.raw, request, FASTIFY_FACTS).host,
  url: (request) => request.url,
  setHeader: (reply, name, value) => {
    reply.header(name, value)
  },
  getHeader: (reply, name) => reply.getHeader(name),
  removeHeader: (reply, name) => {
    reply.removeHeader(name)
  },
  send: (reply, status, body) => {
    reply.code(status).send(body)
  },
  getNonce: (reply) => reply.cspNonce || undefined,
  setNonce: (reply, nonce) => {
    reply.cspNonce = nonce
  },
  optedOut: (request, step) => fastifyRouteConfig(request)?.[step] === false,
  routeBodyLimit: (request) => request.routeOptions.bodyLimit,
  rawResponse: (reply) => reply.raw,
  // Fastify's own FST_ERR_CTP_BODY_TOO_LARGE, as its body reader raises it.
  tooLargeError: () =>
    Object.assign(new Error('Request body is too large'), {
      name: 'FastifyError',
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    }),
}

export interface KitSecurityPluginOptions {
  /** A Security from createSecurity(), or options to create one. */
  security?: Security | SecurityOptions
  /** Only these steps, in pipeline order: register 'bodyLimit' again after the rate limiter. @default all */
  steps?: readonly SecurityStep[]
}

/** An onRequest hook in callback form: it calls `next()` unless it answered the request. */
export type SecurityHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  next: (error?: Error) => void,
) => void

/**
 * One security step as an onRequest hook, with what the step needs on the
 * instance (the `cspNonce` decorator, the body limit's route default and
 * parsers) set up on `fastify`. @kit/core chains these hooks into one;
 * the kitSecurity plugin adds each as its own hook.
 */
export function securityHook(
  fastify: FastifyInstance,
  security: Security,
  step: SecurityStep,
): SecurityHook | undefined {
  const steps = security.steps(fastifyIO)
  if (!fastify.hasReplyDecorator('cspNonce')) fastify.decorateReply('cspNonce', '')
  switch (step) {
    case 'hosts':
      return function kitHttpsAndHosts(request, reply, next) {
        if (!steps.hosts(request, reply)) next()
      }
    case 'headers':
      return function kitSecurityHeaders(request, reply, next) {
        steps.headers(request, reply)
        next()
      }
    case 'cspReport':
      return function kitCspReport(request, reply, next) {
        // When it answers, the reply is sent asynchronously and next() is not called.
        if (steps.cspReport(request, reply) === undefined) next()
      }
    case 'cors':
      return function kitCors(request, reply, next) {
        if (!steps.cors(request, reply)) next()
      }
    case 'csrf':
      return function kitCsrf(request, reply, next) {
        if (!steps.csrf(request, reply)) next()
      }
    case 'bodyLimit': {
      const bodyLimit = security.config.bodyLimit
      if (bodyLimit === undefined) return undefined
      installBodyParsing(fastify, bodyLimit.limit)
      return function kitBodyLimits(request, reply, next) {
        const refused = steps.bodyLimit(request, reply)
        if (refused === false) next()
        else if (refused !== true) next(refused)
      }
    }
  }
}

/** Routes added from here on get the limit unless they set their own bodyLimit; forms and octet-stream get parsers. */
function installBodyParsing(fastify: FastifyInstance, limit: number): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= limit
  })
  if (!fastify.hasContentTypeParser('application/x-www-form-urlencoded')) {
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, parsed) => {
        const form = parseForm(body as string)
        if (form !== undefined) return parsed(null, form)
        const error = Object.assign(new Error(`A form may have at most ${MAX_FORM_FIELDS} fields.`), {
          statusCode: 413,
        })
        parsed(error, undefined)
      },
    )
  }
  if (!fastify.hasContentTypeParser('application/octet-stream')) {
    fastify.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer' },
      (_request, body, parsed) => {
        parsed(null, body)
      },
    )
  }
}

const plugin: FastifyPluginCallback<KitSecurityPluginOptions> = (fastify, options, done) => {
  const security = toSecurity(options.security, 'kitSecurity')
  const wanted = new Set(options.steps ?? SECURITY_STEPS)
  for (const step of SECURITY_STEPS) {
    if (!wanted.has(step)) continue
    const hook = securityHook(fastify, security, step)
    if (hook) fastify.addHook('onRequest', hook)
  }
  done()
}

/** The security pipeline as one Fastify plugin: `fastify.register(kitSecurity, { security })`. */
export const kitSecurity: FastifyPluginCallback<KitSecurityPluginOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/security',
})
