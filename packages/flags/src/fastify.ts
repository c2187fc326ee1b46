import { KitError } from '@kit/internal'
import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Flags } from './flags.ts'
import type { RegisteredFlags } from './registry.ts'
import { BoundFlags, defaultRequestContext, type RequestFlags } from './request.ts'
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

/** Where a request keeps its binding once read: a decorated field, so every Request has it from construction. */
const kBinding = Symbol('kit.flags.binding')
type WithBinding = FastifyRequest & { [kBinding]: RequestFlags | null }

/**
 * `request.flags` is a getter decorated on Fastify's Request prototype: no
 * hook runs per request, and the binding is created on the first read, in
 * a field every Request is constructed with (no shape change)
 * (docs/internals/request-flags-and-metrics.md).
 */
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
  fastify.decorateRequest(kBinding as unknown as string, null)
  fastify.decorateRequest('flags', {
    getter(this: FastifyRequest): RequestFlags<RegisteredFlags> {
      const request = this as WithBinding
      let bound = request[kBinding]
      if (bound === null) {
        bound = new BoundFlags(flags, context, request)
        request[kBinding] = bound
      }
      return bound as RequestFlags<RegisteredFlags>
    },
    setter(this: FastifyRequest, value: RequestFlags<RegisteredFlags>) {
      ;(this as WithBinding)[kBinding] = value
    },
  })
  done()
}

/** Fastify adapter: `await app.register(kitFlags, { flags })` gives every request `request.flags`. */
export const kitFlags: FastifyPluginCallback<KitFlagsPluginOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@kit/flags',
})
