import { AsyncLocalStorage } from 'node:async_hooks'
import { provideCurrentRequestId } from '@kit/internal'
import type { Logger } from 'pino'

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
  readonly log: Logger
  /** performance.now() when kit first saw the request. */
  readonly startedAt: number
  /** Set once the request line is written, so an abort and a finish log one line. */
  logged = false

  constructor(id: string, log: Logger, startedAt: number) {
    this.id = id
    this.log = log
    this.startedAt = startedAt
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
