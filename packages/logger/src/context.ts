import { AsyncLocalStorage } from 'node:async_hooks'
import { provideCurrentRequestId } from '@kit/internal'
import type { Logger } from 'pino'
import { bindRequestLogger } from './bind-request-logger.ts'

/** What kit knows about the request being handled, wherever the code runs. */
export interface RequestContext {
  /** The request id: the accepted X-Request-Id or a generated UUID. */
  readonly id: string
  /** A child logger bound to the request (`reqId` in every line). */
  readonly log: Logger
}

/** The active request: the public context plus what the request line needs. */
export class ActiveRequest implements RequestContext {
  readonly id: string
  /** performance.now() when kit first saw the request. */
  readonly startedAt: number
  /** Set once the request line is written, so an abort and a finish log one line. */
  logged = false
  /** The app's logger (lazy) or the request's bound logger (given). */
  private readonly given: Logger
  private bound: Logger | undefined

  /**
   * `log` is the request's logger, bound to its id (Fastify makes one per
   * request); with `lazy`, it is the app's root logger, and the bound child
   * is made only when something asks for `log` (req.log in a handler): a
   * request whose handler never logs builds none (the request line needs
   * none, request-line-json.ts).
   */
  constructor(id: string, log: Logger, startedAt: number, lazy = false) {
    this.id = id
    this.given = log
    this.bound = lazy ? undefined : log
    this.startedAt = startedAt
  }

  /** A child logger bound to the request (`reqId` in every line). */
  get log(): Logger {
    this.bound ??= bindRequestLogger(this.given, this.id)
    return this.bound
  }

  /** The bound logger if one exists yet, else undefined (nothing is created). */
  get boundLog(): Logger | undefined {
    return this.bound
  }

  /** The logger the request's logger derives from: the bound one, or the root it will be made from. */
  get baseLog(): Logger {
    return this.bound ?? this.given
  }
}

/** One store per process; the logger's mixin and the adapters share it. */
export const requestStorage: AsyncLocalStorage<ActiveRequest> = new AsyncLocalStorage<ActiveRequest>()
// Lets @kit/sentry tell requests apart without depending on the logger.
provideCurrentRequestId(() => requestStorage.getStore()?.id)

/** The context of the request being handled, or undefined outside a request. */
export function getRequestContext(): RequestContext | undefined {
  return requestStorage.getStore()
}

/** The id of the request being handled, or undefined outside a request. */
export function getRequestId(): string | undefined {
  return requestStorage.getStore()?.id
}
