import type { IncomingMessage, ServerResponse } from 'node:http'
import { KitError } from '@kit/internal'
import type { Flags } from './flags.ts'
import type { RegisteredFlags } from './registry.ts'
import { BoundFlags, defaultRequestContext, type RequestFlags } from './request.ts'
import type { EvaluationContext } from './types.ts'

declare global {
  namespace Express {
    interface Request {
      /** Flags bound to this request's user: `req.flags.isEnabled('newCheckout')`. */
      flags: RequestFlags<RegisteredFlags>
    }
  }
}

export interface FlagsMiddlewareOptions<Req = IncomingMessage & { user?: { id?: unknown } }> {
  /** The request's evaluation context, read on its first flag evaluation (after your auth middleware). @default `{ userId: req.user?.id }` */
  context?: (req: Req) => EvaluationContext | undefined
}

/**
 * Express adapter: `app.use(flagsMiddleware(flags))` gives every request `req.flags`.
 *
 * `req.flags` is a getter on the app's request prototype (`app.request`,
 * which mounted sub-apps inherit), installed the first time the middleware
 * runs: a request that never reads a flag costs a prototype comparison, and
 * one that does gets its binding on first read. Adding a property to a
 * request Express has re-prototyped costs about 1 µs, so the binding is
 * kept in a WeakMap, not on `req` (docs/internals/request-flags-and-metrics.md).
 */
export function flagsMiddleware(
  flags: Flags<any>,
  options: FlagsMiddlewareOptions<any> = {},
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  if (typeof (flags as Partial<Flags>)?.forRequest !== 'function') {
    throw new KitError(
      'KIT_FLAGS_NOT_CALLED',
      'flagsMiddleware needs the flags: use `app.use(flagsMiddleware(flags))`, not `app.use(flagsMiddleware)`.',
    )
  }
  const context: (req: any) => EvaluationContext | undefined = options.context ?? defaultRequestContext
  const accessor = requestFlagsAccessor(flags, context)
  const installed = new WeakSet<object>()
  let lastPrototype: object | null = null
  return function kitFlags(req, _res, next) {
    const prototype = Object.getPrototypeOf(req) as object | null
    if (prototype !== lastPrototype) {
      if (prototype !== null && Object.hasOwn(prototype, 'app')) {
        // An Express app's `app.request`: one getter serves all its requests.
        if (!installed.has(prototype)) {
          Object.defineProperty(prototype, 'flags', accessor)
          installed.add(prototype)
        }
        lastPrototype = prototype
      } else {
        // Not an Express request (a bare node:http or Connect server): an own property, as a plain object has.
        ;(req as { flags?: RequestFlags }).flags = new BoundFlags(flags, context, req)
      }
    }
    next()
  }
}

/** The `flags` accessor: the request's binding, created on first read; assignable, as an own property was. */
function requestFlagsAccessor(
  flags: Flags<any>,
  context: (req: any) => EvaluationContext | undefined,
): PropertyDescriptor {
  const bindings = new WeakMap<object, RequestFlags>()
  return {
    configurable: true,
    enumerable: true,
    get(this: object): RequestFlags {
      let bound = bindings.get(this)
      if (bound === undefined) {
        bound = new BoundFlags(flags, context, this)
        bindings.set(this, bound)
      }
      return bound
    },
    set(this: object, value: RequestFlags): void {
      bindings.set(this, value)
    },
  }
}
