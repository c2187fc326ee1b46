import type { IncomingMessage, ServerResponse } from 'node:http'
import { KitError } from '@kit/internal'
import type { Flags } from './flags.ts'
import type { RegisteredFlags } from './registry.ts'
import { defaultRequestContext, type RequestFlags } from './request.ts'
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

/** Express adapter: `app.use(flagsMiddleware(flags))` gives every request `req.flags`. */
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
  return function kitFlags(req, _res, next) {
    ;(req as { flags?: RequestFlags }).flags = flags.forRequest(() => context(req))
    next()
  }
}
