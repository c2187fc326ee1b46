import { KitError } from '@kit/internal'
import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Flags } from './flags.ts'
import type { RegisteredFlags } from './registry.ts'
import { defaultRequestContext, type RequestFlags } from './request.ts'
import type { EvaluationContext } from './types.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Flags bound to this request's user: `request.flags.isEnabled('newCheckout')`. */
    flags: RequestFlags<RegisteredFlags>
  }
}

export interface KitFlagsPluginOptions {
  flags: Flags<any>
  /** The request's evaluation context, read on its first flag evaluation. @default `{ userId: request.user?.id }` */
  context?: (request: FastifyRequest) => EvaluationContext | undefined
}

const plugin: FastifyPluginCallback<KitFlagsPluginOptions> = (fastify, options, done) => {
  const { flags } = options
  if (typeof (flags as Partial<Flags> | undefined)?.forRequest !== 'function') {
    return done(
      new KitError(
        'KIT_FLAGS_INVALID_OPTION',
        'kitFlags needs the flags: `await app.register(kitFlags, { flags })` with flags from createFlags().',
      ),
    )
  }
  const context =
    options.context ??
    ((request: FastifyRequest) => defaultRequestContext(request as { user?: { id?: unknown } }))
  fastify.decorateRequest('flags', null as unknown as RequestFlags)
  fastify.addHook('onRequest', (request, _reply, next) => {
    request.flags = flags.forRequest(() => context(request)) as RequestFlags<RegisteredFlags>
    next()
  })
  done()
}

/** Fastify adapter: `await app.register(kitFlags, { flags })` gives every request `request.flags`. */
export const kitFlags: FastifyPluginCallback<KitFlagsPluginOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/flags',
})
